// The texts of a `{ "text" }` or `{ "texts": [...] }` body, checked once for every text route; what is done
// with them is the variant's task (packages/runtime/src/tasks/taskRegistry.ts).
import { z } from 'zod';
import { parseOrRefuse } from '../http/zodRefusal';

export const MAX_TEXTS_PER_REQUEST = 64;

/** A non-empty array of strings, at most MAX_TEXTS_PER_REQUEST; with `orString`, one string counts as a list of one. */
export function textListSchema(field: string, orString = false) {
  const message = `"${field}" must be ${orString ? 'a string or ' : ''}a non-empty array of strings.`;
  const list = z
    .array(z.string({ error: message }), { error: message })
    .min(1, { error: message })
    // A refinement, so that it runs after the elements are checked (array sizing checks run before them).
    .refine((texts) => texts.length <= MAX_TEXTS_PER_REQUEST, { error: (issue) => `At most ${MAX_TEXTS_PER_REQUEST} texts per request, got ${(issue.input as unknown[]).length}.` });
  return orString ? z.preprocess((v) => (typeof v === 'string' ? [v] : v), list) : list;
}

/** Texts from `field`: a non-empty array of strings, or (when `orString`) one string. */
export function textList(value: unknown, field: string, orString = false): string[] {
  return parseOrRefuse(textListSchema(field, orString), value, { field });
}

const textBody = z.object({ text: z.string({ error: '"text" must be a string.' }) });
const textsBody = z.object({ texts: textListSchema('texts') });

export function textsOf(body: Record<string, unknown>): { texts: string[]; single: boolean } {
  if ('text' in body) return { texts: [parseOrRefuse(textBody, body).text], single: true };
  return { texts: parseOrRefuse(textsBody, body).texts, single: false };
}
