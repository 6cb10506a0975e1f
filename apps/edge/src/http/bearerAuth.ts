// Admin routes: `Authorization: Bearer <token>`, compared in constant time with the ADMIN_TOKEN secret;
// wrong tokens are throttled per client (authThrottle.ts).
import { createMiddleware } from 'hono/factory';
import { PareError } from '@pare/errors';
import type { AppContext } from '../env';
import { adminSecret } from './adminSecret';
import { assertNotLocked, clientKey, recordFailure, recordSuccess } from './authThrottle';

const encoder = new TextEncoder();

/** Compare without leaking where the first difference is (both sides are hashed to equal length first). */
export async function constantTimeEquals(a: string, b: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([crypto.subtle.digest('SHA-256', encoder.encode(a)), crypto.subtle.digest('SHA-256', encoder.encode(b))]);
  const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual?: (x: ArrayBuffer, y: ArrayBuffer) => boolean };
  if (typeof subtle.timingSafeEqual === 'function') return subtle.timingSafeEqual(ha, hb);
  const x = new Uint8Array(ha);
  const y = new Uint8Array(hb);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

/** True for the admin token; a wrong one counts against the client, and a locked-out client gets 429 first. */
export async function checkAdminToken(key: string, token: string, secret: string): Promise<boolean> {
  assertNotLocked(key);
  const ok = token !== '' && (await constantTimeEquals(token, secret));
  if (ok) recordSuccess(key);
  else recordFailure(key);
  return ok;
}

export const requireAdminToken = createMiddleware<AppContext>(async (c, next) => {
  const secret = adminSecret(c.env);
  const key = clientKey(c);
  assertNotLocked(key);
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match) throw new PareError('unauthorized', 'Missing admin token: send `Authorization: Bearer <token>`.', { status: 401 });
  if (!(await checkAdminToken(key, match[1]!.trim(), secret))) throw new PareError('forbidden', 'The admin token is wrong.', { status: 403 });
  await next();
});
