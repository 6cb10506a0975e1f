// Guessing the admin token (admin API or dashboard sign-in) is throttled per client: 10 wrong tokens within
// 5 minutes lock that client out for 15 minutes, even for the right token. The counters are a bounded
// per-isolate map (no new binding needed): each isolate counts on its own, so across many isolates an
// attacker gets more tries; the 32+ character token (adminSecret.ts) is what keeps guessing hopeless.
import type { Context } from 'hono';
import { PareError } from '@pare/errors';
import type { AppContext } from '../env';

export const MAX_FAILURES = 10;
const FAILURE_WINDOW_MS = 5 * 60_000;
export const LOCKOUT_MS = 15 * 60_000;
/** Clients tracked at once; the least recently failing one is forgotten first. */
const MAX_CLIENTS = 10_000;

interface ClientFailures {
  /** Times of the wrong tokens within the window, oldest first. */
  failures: number[];
  lockedUntil: number;
}

const clients = new Map<string, ClientFailures>();

/** The client's key: the address Cloudflare saw, or one shared key where there is none (local tools). */
export function clientKey(c: Context<AppContext>): string {
  return c.req.header('cf-connecting-ip')?.trim() || 'unknown';
}

/** Seconds the client is still locked out for, or 0. */
export function lockedForSeconds(key: string, now = Date.now()): number {
  const entry = clients.get(key);
  return entry && entry.lockedUntil > now ? Math.ceil((entry.lockedUntil - now) / 1000) : 0;
}

export function rateLimited(seconds: number): PareError {
  return new PareError('rate_limited', `Too many wrong admin tokens from this client: try again in ${Math.ceil(seconds / 60)} minutes.`, {
    status: 429,
    details: { retryAfterSeconds: seconds },
  });
}

/** Throws 429 rate_limited while the client is locked out. */
export function assertNotLocked(key: string, now = Date.now()): void {
  const seconds = lockedForSeconds(key, now);
  if (seconds > 0) throw rateLimited(seconds);
}

/** Counts a wrong token; the MAX_FAILURES-th within the window starts the lockout. */
export function recordFailure(key: string, now = Date.now()): void {
  const entry = clients.get(key) ?? { failures: [], lockedUntil: 0 };
  clients.delete(key);
  entry.failures = entry.failures.filter((t) => t > now - FAILURE_WINDOW_MS);
  entry.failures.push(now);
  if (entry.failures.length >= MAX_FAILURES) {
    entry.lockedUntil = now + LOCKOUT_MS;
    entry.failures = [];
  }
  clients.set(key, entry);
  if (clients.size > MAX_CLIENTS) clients.delete(clients.keys().next().value!);
}

/** The right token clears the client's failures (it is never called while locked out). */
export function recordSuccess(key: string): void {
  clients.delete(key);
}
