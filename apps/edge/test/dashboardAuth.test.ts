// The dashboard behind the admin token, in workerd: without a session a login page and never data.
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { call, cookieSet, dashboardLogin as login, deployFixture, setCookies, setTraffic } from './helpers';
import { seedAbTrafficSql } from './seedAbTraffic';

const MODEL = 'dash-model';

beforeAll(async () => {
  await deployFixture('mlp', MODEL, 'fp32');
  await deployFixture('mlpSmall', MODEL, 'small');
  await setTraffic(MODEL, { fp32: 50, small: 50 });
  await deployFixture('mlp', 'dash-idle', 'fp32', 100);
  for (const statement of seedAbTrafficSql({ model: MODEL, variants: ['fp32', 'small'], now: Date.now() })) await env.DB.prepare(statement).run();
});

describe('dashboard access', () => {
  it('shows a login form and no model data without a session', async () => {
    const page = await call('/dashboard');
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toMatch(/<form method="post" action="\/dashboard\/login"/);
    expect(text).not.toContain(MODEL);
    expect((await call('/dashboard/data')).status).toBe(401);
    expect((await call(`/dashboard/ab?model=${MODEL}`)).status).toBe(401);
  });

  it('refuses a wrong token and ignores a forged cookie', async () => {
    const wrong = await login('not-the-token');
    expect(wrong.status).toBe(401);
    expect(cookieSet(wrong, 'pare_dashboard')).toBeUndefined();
    const forged = await call('/dashboard/data', { headers: { cookie: `pare_dashboard=${Date.now() + 1e9}.${'0'.repeat(64)}` } });
    expect(forged.status).toBe(401);
  });

  it('signs in with the admin token into an HttpOnly, Secure, SameSite cookie that opens the data', async () => {
    const ok = await login('test-admin-token-0123456789abcdef');
    expect(ok.status).toBe(303);
    const cookie = setCookies(ok).find((c) => c.startsWith('pare_dashboard='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain('test-admin-token-0123456789abcdef');
    const session = cookie.split(';')[0]!;
    const page = await call('/dashboard?window=24h', { headers: { cookie: session } });
    const html = await page.text();
    expect(html).toContain(`data-model="${MODEL}"`);
    expect(html).toContain('id="initial-data"');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    // A model without traffic says what to do instead of drawing empty charts.
    const idle = html.slice(html.indexOf('data-model="dash-idle"'));
    expect(idle).toMatch(/<p class="empty" data-empty="traffic" >No traffic in this window yet: send a request, e.g.\s+<code>curl -X POST http:\/\/edge.test\/v1\/models\/dash-idle\/predict/);
    expect(idle).toMatch(/One variant only: deploy a second/);
    const data = (await (await call('/dashboard/data?window=1h', { headers: { cookie: session } })).json()) as any;
    const model = data.models.find((m: any) => m.name === MODEL);
    expect(model.requests).toBeGreaterThan(0);
    expect(Object.keys(model.series)).toEqual(['fp32', 'small']);
    expect(data.slotMinutes).toBe(1);
    const week = (await (await call('/dashboard/data?window=7d', { headers: { cookie: session } })).json()) as any;
    expect(week.slotMinutes).toBe(60);
    expect(week.models.find((m: any) => m.name === MODEL).requests).toBeGreaterThan(model.requests);
  });

  it('serves chart.js and the page assets from the worker', async () => {
    const chart = await call('/dashboard/assets/chart.umd.min.js');
    expect(chart.headers.get('content-type')).toMatch(/javascript/);
    expect(await chart.text()).toMatch(/Chart\.js v4\.6\.1/);
    expect((await call('/dashboard/assets/nope.js')).status).toBe(404);
    for (const name of ['constructor', 'toString', '__proto__']) {
      const response = await call(`/dashboard/assets/${name}`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('route_not_found');
    }
  });
});
