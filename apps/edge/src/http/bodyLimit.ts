// Request bodies are size-limited by hono's body-limit, run when the route reads the body rather than mounted in
// front of it: an inference route reads its body after its variant is chosen (src/inference/serveInference.ts), so
// a body that is too large is refused and counted like every other 4xx of that variant, and a body still arriving
// does not hold up the variant's lookup. Content-Length is trusted when given; a streamed body is counted.
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { PareError } from '@pare/errors';
import type { AppContext } from '../env';

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export function maxBodyBytes(setting: string | undefined): number {
  const n = Number(setting);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_MAX_BODY_BYTES;
}

export function bodyTooLarge(limit: number): PareError {
  return new PareError('body_too_large', `The request body is larger than ${limit} bytes.`, { status: 413 });
}

const proceed = async (): Promise<void> => undefined;

/** At most `maxSize` bytes of the body; read once (hono's body cache), so a request re-run on another variant gets the same bytes. */
export async function readBody(c: Context<AppContext>, maxSize: number): Promise<Uint8Array> {
  if (!('arrayBuffer' in c.req.bodyCache)) {
    const limit = bodyLimit({ maxSize, onError: () => { throw bodyTooLarge(maxSize); } });
    await limit(c, proceed);
  }
  return new Uint8Array(await c.req.arrayBuffer());
}
