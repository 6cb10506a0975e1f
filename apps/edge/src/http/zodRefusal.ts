// The one way a request that fails its zod schema becomes an error: a PareError (input_invalid, 400 unless the
// route says otherwise) whose message is the first issue's, so app.ts renders it like every other refusal. The
// schemas write each field's message in full (`"temperature" must be a number from 0 to 10.`).
import type { z } from 'zod';
import { PareError, type PareErrorCode } from '@pare/errors';

export type ZodIssue = z.core.$ZodIssue;

export interface Refusal {
  code?: PareErrorCode;
  status?: number;
  /** The field the value came from, when the schema parses one field's value rather than the body. */
  field?: string;
  /** The message for an issue, when the schema's own (issue.message) is not it. */
  message?: (issue: ZodIssue) => string;
}

/** The first issue as a PareError; `details.field` is its path (`inputs.0.shape`). */
export function refusalOf(error: z.ZodError, refusal: Refusal = {}): PareError {
  const issue = error.issues[0]!;
  const field = [...(refusal.field === undefined ? [] : [refusal.field]), ...issue.path.map(String)].join('.');
  return new PareError(refusal.code ?? 'input_invalid', refusal.message ? refusal.message(issue) : issue.message, { status: refusal.status ?? 400, details: field === '' ? undefined : { field } });
}

/** The value as the schema types it, or the refusal of its first issue. */
export function parseOrRefuse<S extends z.ZodType>(schema: S, value: unknown, refusal?: Refusal): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw refusalOf(result.error, refusal);
}
