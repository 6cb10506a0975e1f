// The A/B figures a decision can rest on, in workerd with real inference and the real metrics queue: the split
// checked against the weights (sample-ratio mismatch), per-unit intervals, guardrails, Tail Worker CPU time
// per variant or "unavailable", and a per-model experiment salt that reshuffles units while unsalted splits stay.
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { createDb, recordTailLatencies } from '@pare/db';
import { admin, call, deployFixture, eventually, MLP_INPUT, postJson, setTraffic } from './helpers';

const MODEL = 'ab-trust';

async function variantFor(unit: string): Promise<string> {
  const response = await postJson(`/v1/models/${MODEL}/predict`, { inputs: { input: MLP_INPUT } }, { 'x-pare-unit': unit });
  expect(response.status).toBe(200);
  return response.headers.get('x-pare-variant')!;
}

async function ab(): Promise<any> {
  const response = await call(`/v1/models/${MODEL}/ab?a=fp32&b=small&window=15m`);
  expect(response.status).toBe(200);
  return response.json();
}

describe('A/B figures worth trusting', () => {
  it('checks the split against the weights, analyses per unit, and shows Tail Worker CPU only where it was recorded', async () => {
    await deployFixture('mlp', MODEL, 'fp32');
    await deployFixture('mlpSmall', MODEL, 'small');
    await setTraffic(MODEL, { fp32: 50, small: 50 });
    const units = 60;
    for (let i = 0; i < units; i++) await variantFor(`trust-${i}`);
    const answer = await eventually(async () => {
      const a = await ab();
      return a.report.a.requests + a.report.b.requests >= units ? a : undefined;
    });
    const srm = answer.report.sampleRatio;
    expect(srm.variants.map((v: { name: string; expected: number }) => [v.name, v.expected])).toEqual([['fp32', units / 2], ['small', units / 2]]);
    expect(srm.mismatch).toBe(false);
    expect(answer.report.perUnit.clustersA + answer.report.perUnit.clustersB).toBeGreaterThan(10);
    expect(answer.report.perUnit.meanLatencyDifferenceMs).not.toBeNull();
    expect(answer.report.guardrails.map((g: { metric: string }) => g.metric)).toEqual(['accuracy', 'error rate']);
    expect(answer.cpu).toEqual({ fp32: null, small: null });

    // CPU time the Tail Worker recorded for one variant: shown for it, still unavailable for the other.
    await recordTailLatencies(createDb(env.DB), [{ ts: Date.now(), model: MODEL, variant: 'fp32', ok: true, clientError: false, pinned: false, cpuMs: 3.2, wallMs: 9 }]);
    const withCpu = await ab();
    expect(withCpu.cpu.fp32).toMatchObject({ count: 1 });
    expect(withCpu.cpu.small).toBeNull();
  }, 120_000);

  it('flags a split that is not the weights\'', async () => {
    // 80 more assigned requests to one variant alone (as if the other side lost its events) break the 50/50 split.
    const now = Date.now();
    const rows = Array.from({ length: 80 }, (_, i) => `('srm-${now}-${i}', ${now}, '${MODEL}', 'small', 200, NULL, 1.0, 10, ${i % 100}, 0, 1)`);
    await env.DB.prepare(`INSERT INTO inference_events (event_id, ts, model, variant, status, error_code, latency_ms, input_bytes, unit_bucket, pinned, folded) VALUES ${rows.join(', ')}`).run();
    const answer = await ab();
    expect(answer.report.sampleRatio.mismatch).toBe(true);
    expect(answer.report.verdict).toMatch(/Sample ratio mismatch: the traffic split is not the weights'/);
  });

  it('reshuffles units under a new salt, keeps them while the salt stays, and restores the split on rollback', async () => {
    const sample = Array.from({ length: 40 }, (_, i) => `salt-${i}`);
    const unsalted: string[] = [];
    for (const u of sample) unsalted.push(await variantFor(u));
    const salted = await admin(`/admin/models/${MODEL}/traffic`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ weights: { fp32: 50, small: 50 }, salt: 'exp-2' }) });
    expect(salted.status).toBe(200);
    expect(((await salted.json()) as { deployment: { salt: string } }).deployment.salt).toBe('exp-2');
    const after: string[] = [];
    for (const u of sample) after.push(await variantFor(u));
    const moved = after.filter((v, i) => v !== unsalted[i]).length;
    expect(moved).toBeGreaterThan(5);
    expect(moved).toBeLessThan(35);
    // A weight change without a salt keeps the experiment's salt.
    const kept = await setTraffic(MODEL, { fp32: 50, small: 50 });
    expect(((await kept.json()) as { deployment: { salt: string } }).deployment.salt).toBe('exp-2');
    for (const [i, u] of sample.slice(0, 10).entries()) expect(await variantFor(u)).toBe(after[i]);
    // Two rollbacks: back to the unsalted version, where every unit has its old variant.
    for (let i = 0; i < 2; i++) expect((await admin(`/admin/models/${MODEL}/rollback`, { method: 'POST' })).status).toBe(200);
    for (const [i, u] of sample.slice(0, 10).entries()) expect(await variantFor(u)).toBe(unsalted[i]);
  }, 120_000);
});
