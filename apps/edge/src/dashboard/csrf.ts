// The dashboard's forms (sign in, sign out) carry a CSRF token: a random value in a SameSite=Strict cookie
// that the form repeats in a hidden field. Another site can neither read the cookie nor make the browser
// send it, so its forged POST lacks a matching pair and is refused.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { getCookie, setCookie } from 'hono/cookie';
import { PareError } from '@pare/errors';
import type { AppContext } from '../env';
import { timingSafeEqual } from 'hono/utils/buffer';
import { readBody } from '../http/bodyLimit';

const CSRF_COOKIE = 'pare_csrf';
export const CSRF_FIELD = 'csrf';
const TOKEN_PATTERN = /^[0-9a-f]{64}$/;

/** The client's CSRF token: the one its cookie holds, or a new one set in the cookie. */
export function csrfToken(c: Context<AppContext>): string {
  const existing = getCookie(c, CSRF_COOKIE);
  if (existing && TOKEN_PATTERN.test(existing)) return existing;
  const token = [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, '0')).join('');
  setCookie(c, CSRF_COOKIE, token, { httpOnly: true, secure: true, sameSite: 'Strict', path: '/dashboard' });
  return token;
}

/** The hidden form field that repeats the token. */
export function csrfField(token: string) {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;
}

/** True when the form's token matches the cookie's. */
export async function csrfMatches(c: Context<AppContext>, form: URLSearchParams): Promise<boolean> {
  const cookie = getCookie(c, CSRF_COOKIE) ?? '';
  return TOKEN_PATTERN.test(cookie) && (await timingSafeEqual(form.get(CSRF_FIELD) ?? '', cookie));
}

export function csrfRefused(): PareError {
  return new PareError('forbidden', 'The form is stale or came from another site (CSRF token missing or wrong): reload /dashboard and try again.', { status: 403 });
}

/** The posted form of a dashboard page (4 KB at most: a token and a few names). */
export async function readForm(c: Context<AppContext>): Promise<URLSearchParams> {
  return new URLSearchParams(new TextDecoder().decode(await readBody(c, 4096)));
}
