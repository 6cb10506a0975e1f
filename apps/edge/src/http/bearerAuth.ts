// Admin routes: `Authorization: Bearer <token>` through hono's bearer-auth, compared in constant time (hono's
// timingSafeEqual) with the ADMIN_TOKEN secret; wrong tokens are throttled per client (authThrottle.ts). Its
// refusals are thrown as PareErrors, so app.ts renders them like every other error.
import { bearerAuth } from 'hono/bearer-auth';
import { createMiddleware } from 'hono/factory';
import { timingSafeEqual } from 'hono/utils/buffer';
import { PareError } from '@pare/errors';
import type { AppContext } from '../env';
import { adminSecret } from './adminSecret';
import { assertNotLocked, clientKey, recordFailure, recordSuccess } from './authThrottle';

/** True for the admin token; a wrong one counts against the client, and a locked-out client gets 429 first. */
export async function checkAdminToken(key: string, token: string, secret: string): Promise<boolean> {
  assertNotLocked(key);
  const ok = token !== '' && (await timingSafeEqual(token, secret));
  if (ok) recordSuccess(key);
  else recordFailure(key);
  return ok;
}

const missingToken = (): never => {
  throw new PareError('unauthorized', 'Missing admin token: send `Authorization: Bearer <token>`.', { status: 401 });
};
const wrongToken = (): never => {
  throw new PareError('forbidden', 'The admin token is wrong.', { status: 403 });
};

const adminBearer = bearerAuth<AppContext>({
  verifyToken: async (token, c) => (await checkAdminToken(clientKey(c), token, adminSecret(c.env))) || wrongToken(),
  noAuthenticationHeader: { message: missingToken },
  // A Bearer value with characters no token has is a wrong token (and counts as one); any other scheme is no token.
  invalidAuthenticationHeader: {
    message: (c) => {
      if (!/^Bearer\s+\S/i.test(c.req.header('authorization') ?? '')) return missingToken();
      recordFailure(clientKey(c));
      return wrongToken();
    },
  },
});

export const requireAdminToken = createMiddleware<AppContext>(async (c, next) => {
  // A disabled admin API (503) and a locked-out client (429) are answered before the header is read.
  adminSecret(c.env);
  assertNotLocked(clientKey(c));
  return adminBearer(c, next);
});
