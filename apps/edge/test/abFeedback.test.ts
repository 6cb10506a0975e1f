// POST /v1/feedback and GET /v1/models/:model/ab in workerd, against local D1.
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { admin, call, deployFixture, fixtureBytes, fixtureManifest, MLP_INPUT, postJson, setTraffic, variantForm } from './helpers';
import { seedAbTrafficSql } from './seedAbTraffic';

const TEXT = 'ab-text';
const AB = 'ab-model';
const NOW = Date.now();

async function json(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

beforeAll(async () => {
  await deployFixture('text', TEXT, 'v1', 100);
  await deployFixture('mlp', 'ab-tensor', 'fp32', 100);
  // The A/B model: a big and a small variant (the larger is the default baseline), with seeded traffic.
  for (const [variant, kind] of [['fp32', 'mlp'], ['int8', 'mlpSmall']] as const) {
    const manifest = fixtureManifest(kind, AB, variant, { metrics: { accuracy: variant === 'fp32' ? 0.9 : 0.895 } });
    const response = await admin(`/admin/models/${AB}/variants/${variant}`, { method: 'PUT', body: variantForm(fixtureBytes(kind), manifest) });
    expect(response.status).toBeLessThan(300);
  }
  expect((await setTraffic(AB, { fp32: 50, int8: 50 })).status).toBe(200);
  for (const statement of seedAbTrafficSql({ model: AB, variants: ['fp32', 'int8'], now: NOW })) await env.DB.prepare(statement).run();
});

describe('POST /v1/feedback', () => {
  it('records the true label of a served prediction, read from its request id', async () => {
    const predicted = await postJson(`/v1/models/${TEXT}/predict`, { text: 'win free money now' });
    expect(predicted.status).toBe(200);
    const requestId = predicted.headers.get('x-pare-request-id');
    expect(requestId).toBeTruthy();
    const label = (await json(predicted)).label as string;
    const right = await postJson('/v1/feedback', { requestId, label });
    expect(right.status).toBe(201);
    expect(await json(right)).toMatchObject({ model: TEXT, variant: 'v1', predicted: label, label, correct: true });
    // The first label wins: a second one for the same prediction is refused and changes nothing.
    const second = await postJson('/v1/feedback', { requestId, label: label === 'spam' ? 'ham' : 'spam' });
    expect(second.status).toBe(409);
    expect((await json(second)).error.code).toBe('feedback_exists');
    expect((await postJson('/v1/feedback', { requestId, label })).status).toBe(409);
    const rows = await env.DB.prepare('SELECT count(*) AS n, sum(correct) AS c, max(label) AS label FROM feedback WHERE model = ?').bind(TEXT).first<{ n: number; c: number; label: string }>();
    expect(rows).toEqual({ n: 1, c: 1, label });
  });

  it('takes only a label of the model, naming its labels otherwise', async () => {
    const predicted = await postJson(`/v1/models/${TEXT}/predict`, { text: 'see you at lunch' });
    const requestId = predicted.headers.get('x-pare-request-id');
    for (const label of ['SPAM', 'not-a-label', 'x'.repeat(200)]) {
      const refused = await postJson('/v1/feedback', { requestId, label });
      expect(refused.status).toBe(400);
      const error = (await json(refused)).error;
      expect(error.message).toMatch(/one of the model's labels \("ham", "spam"\)/);
      expect(error.message.length).toBeLessThan(200);
    }
    // A refused label used nothing up: the right one is still taken.
    expect((await postJson('/v1/feedback', { requestId, label: 'ham' })).status).toBe(201);
  });

  it('takes the item of a batch request and refuses one out of range', async () => {
    const predicted = await postJson(`/v1/models/${TEXT}/predict`, { texts: ['hello friend', 'free money'] });
    const requestId = predicted.headers.get('x-pare-request-id');
    expect((await postJson('/v1/feedback', { requestId, label: 'ham', item: 1 })).status).toBe(201);
    const out = await postJson('/v1/feedback', { requestId, label: 'ham', item: 2 });
    expect(out.status).toBe(400);
    expect((await json(out)).error.message).toMatch(/had 2 text/);
  });

  it('refuses forged ids, tensor predictions and bad bodies with messages that say what to send', async () => {
    const forged = await postJson('/v1/feedback', { requestId: 'eyJ4IjoxfQ.AAAAAAAAAAAAAAAAAAAAAA', label: 'spam' });
    expect(forged.status).toBe(400);
    expect((await json(forged)).error.code).toBe('request_id_unknown');
    const tensor = await postJson('/v1/models/ab-tensor/predict', { inputs: { input: MLP_INPUT } });
    const noLabel = await postJson('/v1/feedback', { requestId: tensor.headers.get('x-pare-request-id'), label: '1' });
    expect(noLabel.status).toBe(422);
    const missing = await postJson('/v1/feedback', { label: 'spam' });
    expect((await json(missing)).error.message).toMatch(/"requestId"/);
    const badJson = await call('/v1/feedback', { method: 'POST', body: '{' });
    expect(badJson.status).toBe(400);
  });
});

describe('GET /v1/models/:model/ab', () => {
  it('compares the two variants with most traffic, larger one as baseline, with a verdict', async () => {
    const response = await call(`/v1/models/${AB}/ab?window=24h`);
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.pair).toEqual({ a: 'fp32', b: 'int8', chosen: 'top-traffic' });
    const report = body.report;
    expect(report.a.requests).toBeGreaterThan(1000);
    expect(report.latency.median.relativeChangePct.upper).toBeLessThan(0);
    expect(report.accuracyDifference.estimate).toBeCloseTo((537 - 540) / 600, 10);
    expect(report.verdict).toMatch(/^int8 is \d+% faster than fp32 \(95% CI \d+–\d+%\), accuracy −0\.5 pt/);
    expect(report.design.design).toBe('fixed-horizon');
  });

  it('takes a given pair, window and minimum effect, and checks them', async () => {
    const response = await call(`/v1/models/${AB}/ab?a=int8&b=fp32&window=15m&minEffectPt=2`);
    const body = await json(response);
    expect(body.pair.chosen).toBe('given');
    expect(body.report.a.name).toBe('int8');
    expect(body.report.design.minimumEffect.accuracyPt).toBe(2);
    expect(body.report.verdict).toMatch(/fp32 is \d+% slower than int8/);
    expect((await call(`/v1/models/${AB}/ab?a=fp32&b=nope`)).status).toBe(404);
    expect((await call(`/v1/models/${AB}/ab?a=fp32`)).status).toBe(400);
    expect((await call(`/v1/models/${AB}/ab?window=2w`)).status).toBe(400);
    expect((await call(`/v1/models/${AB}/ab?minEffectPt=-1`)).status).toBe(400);
    expect((await call('/v1/models/no-such-model/ab')).status).toBe(404);
  });
});
