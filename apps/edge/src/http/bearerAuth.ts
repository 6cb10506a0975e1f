// Admin routes: `Authorization: Bearer <token>`, compared in constant time with the ADMIN_TOKEN secret.
import { createMiddleware } from 'hono/factory';
import { PareError } from '@pare/errors';
import type { AppContext } from '../env';

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

export const requireAdminToken = createMiddleware<AppContext>(async (c, next) => {
  const secret = c.env.ADMIN_TOKEN;
  if (!secret) {
    throw new PareError('admin_disabled', 'The admin API is disabled: set the ADMIN_TOKEN secret (.dev.vars locally, `wrangler secret put ADMIN_TOKEN` in production).', { status: 503 });
  }
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match) throw new PareError('unauthorized', 'Missing admin token: send `Authorization: Bearer <token>`.', { status: 401 });
  if (!(await constantTimeEquals(match[1]!.trim(), secret))) throw new PareError('forbidden', 'The admin token is wrong.', { status: 403 });
  await next();
});
