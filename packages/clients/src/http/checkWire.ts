import type { z } from 'zod';
import { PareError, type PareErrorCode } from '@pare/errors';

/**
 * Check a service's answer against its wire schema. The body is returned as sent, not as parsed: fields the
 * schema does not name pass through (a newer server's, or the parts of a report only `--json` prints).
 */
export function checkWire<S extends z.ZodType>(schema: S, body: unknown, failure: { code: PareErrorCode; what: string }): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return body as z.output<S>;
  const issue = result.error.issues[0]!;
  const field = issue.path.length ? issue.path.map(String).join('.') : '(body)';
  throw new PareError(failure.code, `${failure.what} answered a body this client does not understand: ${field}: ${issue.message}.`, {
    status: 502,
    details: { field, issues: result.error.issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message })) },
  });
}
