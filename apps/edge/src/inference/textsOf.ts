// The texts of a `{ "text" }` or `{ "texts": [...] }` body, checked once for every text route; what is done
// with them is the variant's task (packages/runtime/src/tasks/taskRegistry.ts).
import { PareError } from '@pare/errors';

export const MAX_TEXTS_PER_REQUEST = 64;

/** Texts from `field`: a non-empty array of strings, or (when `orString`) one string. */
export function textList(value: unknown, field: string, orString = false): string[] {
  if (orString && typeof value === 'string') return [value];
  if (!Array.isArray(value) || value.length === 0 || value.some((t) => typeof t !== 'string')) {
    throw new PareError('input_invalid', `"${field}" must be ${orString ? 'a string or ' : ''}a non-empty array of strings.`, { status: 400, details: { field } });
  }
  if (value.length > MAX_TEXTS_PER_REQUEST) throw new PareError('input_invalid', `At most ${MAX_TEXTS_PER_REQUEST} texts per request, got ${value.length}.`, { status: 400, details: { field } });
  return value as string[];
}

export function textsOf(body: Record<string, unknown>): { texts: string[]; single: boolean } {
  if ('text' in body) {
    if (typeof body.text !== 'string') throw new PareError('input_invalid', '"text" must be a string.', { status: 400, details: { field: 'text' } });
    return { texts: [body.text], single: true };
  }
  return { texts: textList(body.texts, 'texts'), single: false };
}
