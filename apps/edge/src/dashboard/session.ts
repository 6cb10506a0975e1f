// The dashboard's login: the admin token, typed once into a form, becomes a signed session cookie
// (HttpOnly, Secure, SameSite=Strict, path /dashboard). The cookie holds an expiry and an HMAC of it,
// never the token, so it cannot be replayed against the admin API.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppContext } from '../env';

const SESSION_COOKIE = 'pare_dashboard';
const SESSION_MS = 12 * 3_600_000;
const encoder = new TextEncoder();

async function mac(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(`pare-dashboard-session-v1:${secret}`), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(message)));
  return [...sig].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function startSession(c: Context<AppContext>, secret: string, now = Date.now()): Promise<void> {
  const expires = now + SESSION_MS;
  setCookie(c, SESSION_COOKIE, `${expires}.${await mac(secret, String(expires))}`, {
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
  const value = getCookie(c, SESSION_COOKIE);
  if (!secret || !value) return false;
  const [expires, sig] = value.split('.');
  if (!expires || !sig || !(Number(expires) > now)) return false;
  const expected = await mac(secret, expires);
  // Equal-length hex strings: compare every character so timing does not reveal the first mismatch.
  if (expected.length !== sig.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ sig.charCodeAt(i);
  return diff === 0;
}
