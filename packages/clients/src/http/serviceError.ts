import { isPareErrorCode, PareError, type PareErrorCode } from '@pare/errors';

/**
 * The error a Pare service answered (`{ "error": { "code", "message" } }`, or a bare string) as a PareError
 * with the service's code, message and HTTP status; the fallbacks cover a proxy's page or an empty body.
 */
export function serviceError(status: number, text: string, fallback: { code: PareErrorCode; message: string }): PareError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown } | string } | undefined)?.error;
  // A code this client does not know (a newer server's) keeps the fallback; the message still says what happened.
  const code = typeof error === 'object' && isPareErrorCode(error.code) ? error.code : fallback.code;
  const message = typeof error === 'object' && typeof error.message === 'string' && error.message ? error.message : typeof error === 'string' ? error : fallback.message;
  return new PareError(code, message, { status });
}

/** The reason a fetch failed, as the platform tells it (Node puts the socket's error in `cause`). */
export function fetchFailure(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  return cause.cause instanceof Error ? cause.cause.message : cause.message;
}
