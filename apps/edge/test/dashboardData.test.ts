// What /dashboard/data and the variants table say, in workerd: every slot of the window (empty ones as gaps),
// the Pareto axes every serving variant has with failing variants apart, labelled accuracy per variant, and
// Tail Worker CPU time per variant or "unavailable".
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { createDb, recordTailLatencies } from '@pare/db';
import { call, dashboardSession, deployFixture, setTraffic } from './helpers';

const MODEL = 'dash-data';

beforeAll(async () => {
  await deployFixture('mlp', MODEL, 'fp32');
  await deployFixture('mlpSmall', MODEL, 'small');
  await setTraffic(MODEL, { fp32: 50, small: 50 });
  const minute = Math.floor(Date.now() / 60000);
  // fp32: traffic 40 and 2 minutes ago, none in between; small: one minute, every request a 5xx.
  await env.DB.prepare(
    `INSERT INTO latency_histograms (minute, model, variant, source, bucket, count, errors) VALUES (${minute - 40}, '${MODEL}', 'fp32', 'isolate', 10, 20, 0), (${minute - 2}, '${MODEL}', 'fp32', 'isolate', 11, 20, 0), (${minute - 2}, '${MODEL}', 'small', 'isolate', 3, 10, 9)`,
  ).run();
  await env.DB.prepare(
    `INSERT INTO feedback (request_id, item, model, variant, predicted, label, correct, request_ts, created_at) VALUES ('dd-1', 0, '${MODEL}', 'fp32', 'a', 'a', 1, ${Date.now()}, ${Date.now()}), ('dd-2', 0, '${MODEL}', 'fp32', 'a', 'b', 0, ${Date.now()}, ${Date.now()})`,
  ).run();
  await recordTailLatencies(createDb(env.DB), [{ ts: Date.now(), model: MODEL, variant: 'fp32', ok: true, clientError: false, pinned: false, cpuMs: 2.5, wallMs: 5 }]);
});

describe('dashboard data', () => {
  it('lists every slot of the window, with null where a slot had no requests', async () => {
    const data = (await (await call('/dashboard/data?window=1h', { headers: { cookie: await dashboardSession() } })).json()) as any;
    const model = data.models.find((m: any) => m.name === MODEL);
    const fp32 = model.series.fp32;
    expect(fp32.t.length).toBeGreaterThanOrEqual(60);
    expect(fp32.t[1] - fp32.t[0]).toBe(60_000);
    const filled = fp32.p50.map((v: number | null, i: number) => (v === null ? null : i)).filter((i: number | null) => i !== null);
    expect(filled).toHaveLength(2);
    // The 37 empty minutes between the two are gaps, not a line across them.
    expect(fp32.p50.slice(filled[0] + 1, filled[1]).every((v: number | null) => v === null)).toBe(true);
    expect(fp32.requests.reduce((a: number, b: number) => a + b, 0)).toBe(40);
  });

  it('keeps a mostly failing variant out of the Pareto front, and labels accuracy and CPU time per variant', async () => {
    const data = (await (await call('/dashboard/data?window=1h', { headers: { cookie: await dashboardSession() } })).json()) as any;
    const model = data.models.find((m: any) => m.name === MODEL);
    const small = model.variants.find((v: any) => v.name === 'small');
    expect(small.failing).toBe('most requests fail (90% 5xx)');
    expect(small.dominatedBy).toBeNull();
    expect(model.paretoAxes).toEqual(['size', 'latency', 'errors']);
    const fp32 = model.variants.find((v: any) => v.name === 'fp32');
    expect(fp32.labelled).toEqual({ correct: 1, total: 2 });
    expect(fp32.cpuP50Ms).toBeGreaterThan(0);
    expect(small.cpuP50Ms).toBeNull();
    const table: string = model.tableHtml;
    expect(table).toMatch(/<tr data-variant="small">\s*<th scope="row">small <span class="tag failing" title="most requests fail \(90% 5xx\)">failing<\/span>/);
    expect(table).toMatch(/<td title="1 of 2 labelled requests right">50\.0% <small>of 2<\/small><\/td>/);
    expect(table).toMatch(/<td class="unavailable" title="the Tail Worker attributed no invocation to this variant in the window">unavailable<\/td>/);
    expect(table).toContain('Pareto front over size, latency, errors (the axes every serving variant has); failing variants are kept out of it.');
  });
});
