// Test helpers: call the worker like a client does (through its fetch handler) and upload fixture variants.
import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type { Fixtures } from './fixtureTypes';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
const ORIGIN = 'http://edge.test';

export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return SELF.fetch(`${ORIGIN}${path}`, init);
}

export function admin(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${ADMIN_TOKEN}`);
  return call(path, { ...init, headers });
}

/** Every Set-Cookie of a response (workerd has Headers.getSetCookie; the types lag behind). */
export function setCookies(response: Response): string[] {
  return (response.headers as unknown as { getSetCookie(): string[] }).getSetCookie();
}

/** The `name=value` pair a response sets for the cookie, or undefined. */
export function cookieSet(response: Response, name: string): string | undefined {
  return setCookies(response).find((c) => c.startsWith(`${name}=`))?.split(';')[0];
}

/** What a browser gets from the login page: its CSRF cookie (`pare_csrf=…`) and the token its form repeats. */
export async function dashboardCsrf(): Promise<{ cookie: string; csrf: string }> {
  const page = await call('/dashboard');
  const cookie = cookieSet(page, 'pare_csrf')!;
  const csrf = /name="csrf" value="([0-9a-f]{64})"/.exec(await page.text())![1]!;
  return { cookie, csrf };
}

/** Sign in to the dashboard as a browser does: the login page's CSRF cookie and field come along with the token. */
export async function dashboardLogin(token: string): Promise<Response> {
  const { cookie, csrf } = await dashboardCsrf();
  return call('/dashboard/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: `csrf=${csrf}&token=${encodeURIComponent(token)}`, redirect: 'manual' });
}

/** The `pare_dashboard=…` session cookie of a signed-in browser. */
export async function dashboardSession(): Promise<string> {
  return cookieSet(await dashboardLogin(ADMIN_TOKEN), 'pare_dashboard')!;
}

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return call(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

export function fixtureBytes(kind: keyof Fixtures): Uint8Array {
  return Uint8Array.from(atob(env.FIXTURES[kind].bytesBase64), (ch) => ch.charCodeAt(0));
}

/** The fixture's manifest renamed to model/variant (overrides applied last). */
export function fixtureManifest(kind: keyof Fixtures, model: string, variant: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...(env.FIXTURES[kind].manifest as Record<string, unknown>), model, variant, ...overrides };
}

export function variantForm(bytes: Uint8Array, manifest: unknown, weight?: number): FormData {
  const form = new FormData();
  form.append('model', new Blob([bytes]), 'model.onnx');
  form.append('manifest', JSON.stringify(manifest));
  if (weight !== undefined) form.append('weight', String(weight));
  return form;
}

export async function deployFixture(kind: keyof Fixtures, model: string, variant: string, weight?: number): Promise<Response> {
  const response = await admin(`/admin/models/${model}/variants/${variant}`, { method: 'PUT', body: variantForm(fixtureBytes(kind), fixtureManifest(kind, model, variant), weight) });
  if (response.status >= 300) throw new Error(`deploy ${model}/${variant} failed: ${response.status} ${await response.text()}`);
  return response;
}

export async function setTraffic(model: string, weights: Record<string, number>): Promise<Response> {
  return admin(`/admin/models/${model}/traffic`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ weights }) });
}

export const MLP_INPUT = [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]];

/** Poll until `check` returns a value that is not undefined (the queue consumer runs after ~1 s batches). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Upload an LM fixture (model and its tokenizer.json) as model/variant. */
export async function deployLm(kind: 'lmGpt2' | 'lmGpt2NoCache' | 'lmLlama', model: string, variant: string, weight?: number): Promise<void> {
  const form = variantForm(fixtureBytes(kind), fixtureManifest(kind, model, variant), weight);
  form.append('tokenizer', new Blob([Uint8Array.from(atob(env.FIXTURES[kind].tokenizerBase64!), (ch) => ch.charCodeAt(0))]), 'tokenizer.json');
  const response = await admin(`/admin/models/${model}/variants/${variant}`, { method: 'PUT', body: form });
  if (response.status !== 201) throw new Error(`deploy ${model}/${variant} failed: ${response.status} ${await response.text()}`);
}
