// Bodies are size-limited before they are read and parsed once, here; a bad body is a 4xx with a message.
import { PareError } from '@pare/errors';

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export function maxBodyBytes(setting: string | undefined): number {
  const n = Number(setting);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_MAX_BODY_BYTES;
}

function tooLarge(limit: number): PareError {
  return new PareError('body_too_large', `The request body is larger than ${limit} bytes.`, { status: 413 });
}

/** Bodies already read, per request: a request re-run on another variant (serveInference.ts) reads it again. */
const readBodies = new WeakMap<Request, Promise<Uint8Array>>();

/** Read at most `limit` bytes of the body (refusing more, whatever Content-Length says); a second read gets the same bytes. */
export function readBodyBytes(request: Request, limit: number): Promise<Uint8Array> {
  let read = readBodies.get(request);
  if (!read) {
    read = readLimited(request, limit);
    readBodies.set(request, read);
  }
  return read;
}

async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? 'NaN');
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** Parse a JSON object body; returns the value and the body size (recorded with the metric event). */
export async function readJsonBody(request: Request, limit: number): Promise<{ value: Record<string, unknown>; bytes: number }> {
  const bytes = await readBodyBytes(request, limit);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new PareError('input_invalid', `The body is not valid JSON (${cause instanceof Error ? cause.message : String(cause)}).`, { status: 400, cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PareError('input_invalid', 'The body must be a JSON object.', { status: 400 });
  }
  return { value: value as Record<string, unknown>, bytes: bytes.byteLength };
}
