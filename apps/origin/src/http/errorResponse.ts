import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HTTPException } from 'hono/http-exception';
import { PareError, isPareError } from '@pare/errors';

// The one place where errors become HTTP: PareError keeps its status and code; anything else is a bug and
// answers 500 without leaking internals (the stack goes to the origin's log).

export function errorResponse(error: unknown, c: Context): Response {
  const pareError = toPareError(error);
  // A bug gets its stack in the log; a known outage (Redis away, a bucket refusing) one line.
  if (pareError.code === 'internal') console.error('origin: internal error:', error);
  else if (pareError.status >= 500) console.error(`origin: ${c.req.method} ${c.req.path}: ${pareError.code}: ${pareError.message}`);
  return c.json({ error: pareError.toJSON() }, pareError.status as ContentfulStatusCode);
}

function toPareError(error: unknown): PareError {
  if (isPareError(error)) return error;
  if (error instanceof HTTPException) {
    const code = error.status === 413 ? 'body_too_large' : 'input_invalid';
    return new PareError(code, error.message || `Request rejected (${error.status}).`, { status: error.status });
  }
  return new PareError('internal', 'The origin hit an unexpected error; its log has the details.', { status: 500, cause: error });
}
