import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { call, deployFixture, eventually, MLP_INPUT, postJson, setTraffic } from './helpers';
import { createDb, listVariants } from '@pare/db';

async function json(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

describe('a variant whose bytes are corrupted in R2', () => {
  const MODEL = 'failover-model';

  it('is marked unhealthy, its traffic is served by the healthy variant, and the failure is recorded', async () => {
    await deployFixture('mlp', MODEL, 'good');
    await deployFixture('mlpSmall', MODEL, 'broken');
    expect((await setTraffic(MODEL, { good: 50, broken: 50 })).status).toBe(200);
    // Flip a byte of the stored model: the sha256 check must catch it before ORT sees it.
    const key = `models/${MODEL}/broken/model.onnx`;
    const bytes = new Uint8Array(await (await env.MODELS.get(key))!.arrayBuffer());
    bytes[bytes.length >> 1]! ^= 0xff;
    await env.MODELS.put(key, bytes);

    const served = new Set<string>();
    let fallbacks = 0;
    for (let i = 0; i < 20; i++) {
      const response = await postJson(`/v1/models/${MODEL}/predict`, { inputs: { input: MLP_INPUT } }, { 'x-pare-unit': `unit-${i}` });
      expect(response.status).toBe(200);
      served.add(response.headers.get('x-pare-variant')!);
      if (response.headers.get('x-pare-fallback-from') === 'broken') fallbacks++;
    }
    expect([...served]).toEqual(['good']);
    expect(fallbacks).toBeGreaterThan(0);

    const models = await json(await call('/v1/models'));
    const broken = models.models.find((m: { name: string }) => m.name === MODEL).variants.find((v: { name: string }) => v.name === 'broken');
    expect(broken.status).toBe('unhealthy');
    // The public list keeps the reason (internal error text) to itself; the registry row has it.
    expect(broken.statusReason).toBeUndefined();
    const row = await env.DB.prepare("SELECT status_reason AS reason FROM variants WHERE model = ? AND name = 'broken'").bind(MODEL).first<{ reason: string }>();
    expect(row?.reason).toMatch(/sha256/);

    // The unhealthy variant cannot be given traffic, and addressing it directly says why.
    expect((await setTraffic(MODEL, { good: 0, broken: 100 })).status).toBe(409);
    const direct = await postJson(`/v2/models/${MODEL}/versions/broken/infer`, { inputs: [{ name: 'input', shape: [1, 8], datatype: 'FP32', data: MLP_INPUT[0] }] });
    expect(direct.status).toBe(503);
    const directError = (await json(direct)).error as string;
    expect(directError).toMatch(/unhealthy/);
    // The reason (hashes, storage keys, runtime messages) stays in D1 and on the dashboard, not in a public answer.
    expect(directError).not.toMatch(/sha256|models\/|onnxruntime/);

    // The failure reached D1 as an event of the broken variant.
    const failures = await eventually(async () => {
      const row = await env.DB.prepare("SELECT count(*) AS n FROM inference_events WHERE model = ? AND variant = 'broken' AND error_code = 'variant_unavailable'").bind(MODEL).first<{ n: number }>();
      return row && row.n >= 1 ? row.n : undefined;
    });
    expect(failures).toBe(1);
  });

  it('re-deploying the same bytes repairs it', async () => {
    await deployFixture('mlpSmall', MODEL, 'broken');
    const variants = await listVariants(createDb(env.DB), MODEL);
    expect(variants.find((v) => v.name === 'broken')!.status).toBe('healthy');
  });
});

describe('when no variant is healthy', () => {
  it('answers 503 with a clear message', async () => {
    const MODEL = 'all-broken';
    await deployFixture('mlp', MODEL, 'only');
    await env.MODELS.delete(`models/${MODEL}/only/model.onnx`);
    const first = await postJson(`/v1/models/${MODEL}/predict`, { inputs: { input: MLP_INPUT } });
    expect(first.status).toBe(503);
    expect((await json(first)).error).toMatchObject({ code: 'no_healthy_variant', message: expect.stringMatching(/no healthy variant/) });
    const oip = await postJson(`/v2/models/${MODEL}/infer`, { inputs: [{ name: 'input', shape: [1, 8], datatype: 'FP32', data: MLP_INPUT[0] }] });
    expect(oip.status).toBe(503);
    expect(await json(oip)).toEqual({ error: expect.stringMatching(/no healthy variant/) });
    expect((await call(`/v2/models/${MODEL}/ready`)).status).toBe(503);
  });
});

describe('a variant that keeps failing to run', () => {
  const MODEL = 'flaky-model';

  it('answers nothing but successes while a healthy variant exists, and is marked unhealthy after 3 consecutive 5xx', async () => {
    await deployFixture('runFails', MODEL, 'flaky');
    await deployFixture('mlp', MODEL, 'steady', 0);
    const predict = (inputs: unknown) => postJson(`/v1/models/${MODEL}/predict`, { inputs: { input: inputs } }, { 'x-pare-unit': 'flaky-unit' });
    // Each run that fails on the flaky variant is run again on the steady one: the caller gets its answer.
    const rescued = async () => {
      const response = await predict(MLP_INPUT);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-pare-variant')).toBe('steady');
      expect(response.headers.get('x-pare-fallback-from')).toBe('flaky');
    };
    // A client error in between does not count (and is not re-run); a success resets the streak.
    expect((await predict([[0.1, 'x']])).status).toBe(400);
    await rescued();
    const ok = await predict([Array.from({ length: 16 }, () => 0.5)]);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-pare-variant')).toBe('flaky');
    for (let i = 0; i < 2; i++) await rescued();
    expect((await predict([[0.1, 'x']])).status).toBe(400);
    let flaky = (await listVariants(createDb(env.DB), MODEL)).find((v) => v.name === 'flaky')!;
    expect(flaky.status).toBe('healthy');
    await rescued();

    flaky = (await listVariants(createDb(env.DB), MODEL)).find((v) => v.name === 'flaky')!;
    expect(flaky.status).toBe('unhealthy');
    expect(flaky.statusReason).toMatch(/3 consecutive requests failed to run/);
    for (let i = 0; i < 3; i++) await rescued();
    // Every failed run is on record as the flaky variant's error, beside the steady variant's answer.
    const failures = await eventually(async () => {
      const row = await env.DB.prepare("SELECT count(*) AS n FROM inference_events WHERE model = ? AND variant = 'flaky' AND error_code = 'runtime_run_failed'").bind(MODEL).first<{ n: number }>();
      return row && row.n >= 4 ? row.n : undefined;
    });
    expect(failures).toBe(4);
  });

  it('still answers its 5xx when the request pinned that variant', async () => {
    const model = 'flaky-pinned';
    await deployFixture('runFails', model, 'flaky');
    await deployFixture('mlp', model, 'steady', 0);
    const response = await postJson(`/v2/models/${model}/versions/flaky/infer`, { inputs: [{ name: 'input', shape: [1, 8], datatype: 'FP32', data: MLP_INPUT[0] }] });
    expect(response.status).toBe(500);
  });
});
