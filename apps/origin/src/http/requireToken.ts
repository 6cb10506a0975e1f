import { createHash, timingSafeEqual } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import { PareError } from '@pare/errors';

// Every job route: `Authorization: Bearer <token>`, compared in constant time with the origin's token (both
// sides hashed to equal length first, as the edge's admin routes do in apps/edge/src/http/bearerAuth.ts).

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

export function requireToken(token: string) {
  const expected = digest(token);
  return createMiddleware(async (c, next) => {
    const match = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '');
    if (!match) throw new PareError('unauthorized', 'This origin needs its token: send `Authorization: Bearer <token>` (the PARE_ORIGIN_TOKEN the origin runs with).', { status: 401 });
    if (!timingSafeEqual(digest(match[1]!.trim()), expected)) throw new PareError('forbidden', 'The origin token is wrong.', { status: 403 });
    await next();
  });
}
