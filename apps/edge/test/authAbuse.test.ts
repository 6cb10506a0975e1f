// Abuse of the admin token and the dashboard, in workerd: guessing is throttled per client, weak tokens
// disable everything behind them, sign-in and sign-out need the form's CSRF token, and the public read
// routes keep internal details (status reasons, storage keys) to themselves.
import { beforeAll, describe, expect, it } from 'vitest';
import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { createApp } from '../src/app';
import { ADMIN_TOKEN, call, cookieSet, dashboardCsrf, deployFixture, setCookies } from './helpers';

const MODEL = 'abuse-model';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function traffic(token: string, ip: string): Promise<Response> {
  return call(`/admin/models/${MODEL}/traffic`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'cf-connecting-ip': ip, 'content-type': 'application/json' },
    body: JSON.stringify({ weights: { fp32: 100 } }),
  });
}

async function signedIn(): Promise<{ cookies: string; csrf: string }> {
  const { cookie, csrf } = await dashboardCsrf();
  const ok = await call('/dashboard/login', { method: 'POST', headers: { ...FORM, cookie }, body: `csrf=${csrf}&token=${ADMIN_TOKEN}`, redirect: 'manual' });
  expect(ok.status).toBe(303);
  const session = cookieSet(ok, 'pare_dashboard')!;
  return { cookies: `${cookie}; ${session}`, csrf };
}

const app = createApp();

/** The app with another ADMIN_TOKEN: the env object is the worker's with that one binding replaced. */
async function withToken(token: string, path: string, init: RequestInit = {}): Promise<Response> {
  return app.fetch(new Request(`http://edge.test${path}`, init), { ...env, ADMIN_TOKEN: token }, createExecutionContext());
}

beforeAll(async () => {
  await deployFixture('mlp', MODEL, 'fp32', 100);
});

describe('guessing the admin token', () => {
  it('locks a client out for 15 minutes after 10 wrong tokens, even for the right one', async () => {
    const ip = '203.0.113.7';
    for (let i = 0; i < 10; i++) expect((await traffic(`wrong-${i}`, ip)).status).toBe(403);
    const locked = await traffic('wrong-10', ip);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
    expect(((await locked.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await traffic(ADMIN_TOKEN, ip)).status).toBe(429);
    // The dashboard's sign-in shares the lockout.
    const { cookie, csrf } = await dashboardCsrf();
    const login = await call('/dashboard/login', { method: 'POST', headers: { ...FORM, cookie, 'cf-connecting-ip': ip }, body: `csrf=${csrf}&token=${ADMIN_TOKEN}`, redirect: 'manual' });
    expect(login.status).toBe(429);
    expect(login.headers.get('retry-after')).not.toBeNull();
    expect(cookieSet(login, 'pare_dashboard')).toBeUndefined();
    // Another client is not affected.
    expect((await traffic(ADMIN_TOKEN, '203.0.113.8')).status).toBe(200);
  });

  it('counts wrong dashboard sign-ins too', async () => {
    const ip = '203.0.113.9';
    const { cookie, csrf } = await dashboardCsrf();
    const attempt = (token: string) => call('/dashboard/login', { method: 'POST', headers: { ...FORM, cookie, 'cf-connecting-ip': ip }, body: `csrf=${csrf}&token=${token}`, redirect: 'manual' });
    for (let i = 0; i < 10; i++) expect((await attempt(`wrong-${i}`)).status).toBe(401);
    const locked = await attempt(ADMIN_TOKEN);
    expect(locked.status).toBe(429);
    expect(await locked.text()).toMatch(/Too many wrong admin tokens/);
    expect((await traffic(ADMIN_TOKEN, ip)).status).toBe(429);
  });
});

describe('a weak ADMIN_TOKEN', () => {
  for (const [token, why] of [
    ['short', /too short \(5 characters\)/],
    ['replace-with-a-long-random-token', /placeholder of \.dev\.vars\.example/],
  ] as const) {
    it(`disables the admin API and the dashboard (${token})`, async () => {
      const adminAnswer = await withToken(token, `/admin/models/${MODEL}/traffic`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ weights: { fp32: 100 } }) });
      expect(adminAnswer.status).toBe(503);
      const body = (await adminAnswer.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('admin_disabled');
      expect(body.error.message).toMatch(why);
      const page = await withToken(token, '/dashboard');
      expect(page.status).toBe(503);
      expect(await page.text()).toMatch(why);
      const login = await withToken(token, '/dashboard/login', { method: 'POST', headers: FORM, body: `token=${token}` });
      expect(login.status).toBe(503);
      expect(setCookies(login)).toEqual([]);
      const data = await withToken(token, '/dashboard/data');
      expect(data.status).toBe(503);
      expect(((await data.json()) as { error: { code: string } }).error.code).toBe('admin_disabled');
    });
  }
});

describe('dashboard forms', () => {
  it('refuses a sign-in without the CSRF token', async () => {
    const { cookie } = await dashboardCsrf();
    const response = await call('/dashboard/login', { method: 'POST', headers: { ...FORM, cookie }, body: `token=${ADMIN_TOKEN}`, redirect: 'manual' });
    expect(response.status).toBe(403);
    expect(cookieSet(response, 'pare_dashboard')).toBeUndefined();
  });

  it('signs out only by POST with the CSRF token', async () => {
    const { cookies, csrf } = await signedIn();
    const page = await call('/dashboard', { headers: { cookie: cookies } });
    expect(await page.text()).toContain(`<form method="post" action="/dashboard/logout"><input type="hidden" name="csrf" value="${csrf}">`);
    const byGet = await call('/dashboard/logout', { headers: { cookie: cookies }, redirect: 'manual' });
    expect(byGet.status).toBeGreaterThanOrEqual(400);
    expect(setCookies(byGet)).toEqual([]);
    const noCsrf = await call('/dashboard/logout', { method: 'POST', headers: { ...FORM, cookie: cookies }, body: '', redirect: 'manual' });
    expect(noCsrf.status).toBe(403);
    expect(setCookies(noCsrf)).toEqual([]);
    const wrongCsrf = await call('/dashboard/logout', { method: 'POST', headers: { ...FORM, cookie: cookies }, body: `csrf=${'0'.repeat(64)}`, redirect: 'manual' });
    expect(wrongCsrf.status).toBe(403);
    const ok = await call('/dashboard/logout', { method: 'POST', headers: { ...FORM, cookie: cookies }, body: `csrf=${csrf}`, redirect: 'manual' });
    expect(ok.status).toBe(303);
    expect(setCookies(ok).find((c) => c.startsWith('pare_dashboard='))).toMatch(/Max-Age=0/);
  });
});

describe('public read routes', () => {
  it('show status but no status reason and no storage key', async () => {
    for (const path of ['/v1/models', `/v1/models/${MODEL}/stats`, `/v2/models/${MODEL}`, `/v2/models/${MODEL}/versions/fp32`]) {
      const response = await call(path);
      expect(response.status, path).toBe(200);
      const text = await response.text();
      expect(text, path).not.toMatch(/statusReason|status_reason|r2Key|r2_key|model\.onnx/);
    }
    const models = (await (await call('/v1/models')).json()) as { models: Array<{ name: string; variants: Array<Record<string, unknown>> }> };
    const variant = models.models.find((m) => m.name === MODEL)!.variants[0]!;
    expect(variant.status).toBe('healthy');
    expect(Object.hasOwn(variant, 'statusReason')).toBe(false);
  });
});
