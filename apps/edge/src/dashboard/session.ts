// The dashboard's login: the admin token, typed once into a form, becomes a signed session cookie
// (HttpOnly, Secure, SameSite=Strict, path /dashboard) through hono's signed cookies. The cookie holds an
// expiry and an HMAC of it, never the token, so it cannot be replayed against the admin API.
import type { Context } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import type { AppContext } from '../env';

const SESSION_COOKIE = 'pare_dashboard';
const SESSION_MS = 12 * 3_600_000;

/** The signing key is derived from the admin token for this one use, so no other HMAC of the token is a valid session. */
const signingSecret = (token: string): string => `pare-dashboard-session-v1:${token}`;

export async function startSession(c: Context<AppContext>, secret: string, now = Date.now()): Promise<void> {
  await setSignedCookie(c, SESSION_COOKIE, String(now + SESSION_MS), signingSecret(secret), {
    httpOnly: true,
    secure: true,
    sameSite: 'Strict',
    path: '/dashboard',
    maxAge: SESSION_MS / 1000,
  });
}

export function endSession(c: Context<AppContext>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/dashboard', secure: true });
}

/** True when the request carries an unexpired session cookie signed with the current admin token. */
export async function hasSession(c: Context<AppContext>, now = Date.now()): Promise<boolean> {
  const secret = c.env.ADMIN_TOKEN;
  if (!secret) return false;
  const expires = await getSignedCookie(c, signingSecret(secret), SESSION_COOKIE);
  return typeof expires === 'string' && Number(expires) > now;
}
