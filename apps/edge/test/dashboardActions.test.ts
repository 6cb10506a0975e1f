// Promote and roll back from the dashboard, in workerd: a session, the CSRF pair and a confirmation step
// before the admin API changes anything.
import { beforeAll, describe, expect, it } from 'vitest';
import { call, cookieSet, dashboardCsrf, deployFixture, ADMIN_TOKEN, setTraffic } from './helpers';

const MODEL = 'dash-actions';

async function weights(): Promise<Record<string, number>> {
  const models = (await (await call('/v1/models')).json()) as { models: Array<{ name: string; variants: Array<{ name: string; weight: number }> }> };
  return Object.fromEntries(models.models.find((m) => m.name === MODEL)!.variants.map((v) => [v.name, v.weight]));
}

/** A signed-in browser: its CSRF cookie and token, and the session cookie. */
async function browser(): Promise<{ cookie: string; csrf: string }> {
  const { cookie, csrf } = await dashboardCsrf();
  const login = await call('/dashboard/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: `csrf=${csrf}&token=${ADMIN_TOKEN}`, redirect: 'manual' });
  return { cookie: `${cookie}; ${cookieSet(login, 'pare_dashboard')}`, csrf };
}

function post(path: string, cookie: string, form: Record<string, string>): Promise<Response> {
  return call(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams(form).toString(), redirect: 'manual' });
}

beforeAll(async () => {
  await deployFixture('mlp', MODEL, 'fp32');
  await deployFixture('mlpSmall', MODEL, 'small');
  await setTraffic(MODEL, { fp32: 70, small: 30 });
});

describe('promote and roll back from the dashboard', () => {
  it('puts the buttons in the variants table, each a POST form with the CSRF token', async () => {
    const { cookie, csrf } = await browser();
    const html = await (await call('/dashboard', { headers: { cookie } })).text();
    const section = html.slice(html.indexOf(`data-model="${MODEL}"`));
    expect(section).toMatch(new RegExp(`<form method="post" action="/dashboard/models/${MODEL}/promote" class="inline"><input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="variant" value="small">`));
    expect(section).toMatch(new RegExp(`action="/dashboard/models/${MODEL}/rollback"`));
  });

  it('asks for confirmation, then promotes through the admin API', async () => {
    const { cookie, csrf } = await browser();
    const ask = await post(`/dashboard/models/${MODEL}/promote`, cookie, { csrf, variant: 'small' });
    expect(ask.status).toBe(200);
    const page = await ask.text();
    expect(page).toMatch(new RegExp(`Give small 100% of ${MODEL}(&#39;|')s traffic\\? Now: fp32=70 small=30\\.`));
    expect(page).toMatch(/<input type="hidden" name="confirm" value="yes">/);
    expect(await weights()).toEqual({ fp32: 70, small: 30 });

    const done = await post(`/dashboard/models/${MODEL}/promote`, cookie, { csrf, variant: 'small', confirm: 'yes' });
    expect(done.status).toBe(200);
    expect(await done.text()).toMatch(new RegExp(`${MODEL}: traffic small=100 \\(deployment version \\d+\\)`));
    expect(await weights()).toEqual({ fp32: 0, small: 100 });

    const back = await post(`/dashboard/models/${MODEL}/rollback`, cookie, { csrf });
    expect(await back.text()).toMatch(/Undo .*last traffic change \(now small=100/);
    const rolled = await post(`/dashboard/models/${MODEL}/rollback`, cookie, { csrf, confirm: 'yes' });
    expect(await rolled.text()).toMatch(/traffic fp32=70 small=30 again/);
    expect(await weights()).toEqual({ fp32: 70, small: 30 });
  });

  it('refuses without a session or without the CSRF pair, and passes on the admin API\'s refusals', async () => {
    const { cookie, csrf } = await browser();
    const csrfOnly = cookie.split('; ')[0]!;
    const anonymous = await post(`/dashboard/models/${MODEL}/promote`, csrfOnly, { csrf, variant: 'small', confirm: 'yes' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/dashboard');
    const forged = await post(`/dashboard/models/${MODEL}/promote`, cookie, { csrf: '0'.repeat(64), variant: 'small', confirm: 'yes' });
    expect(forged.status).toBe(403);
    const unknown = await post(`/dashboard/models/${MODEL}/promote`, cookie, { csrf, variant: 'nope', confirm: 'yes' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/no variant "nope"/);
    expect(await weights()).toEqual({ fp32: 70, small: 30 });
  });
});
