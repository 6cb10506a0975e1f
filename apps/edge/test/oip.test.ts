import { beforeAll, describe, expect, it } from 'vitest';
import { call, deployFixture, postJson, setTraffic } from './helpers';

const MODEL = 'oip-model';

async function json(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

const input = (overrides: Record<string, unknown> = {}) => ({
  inputs: [{ name: 'input', shape: [1, 8], datatype: 'FP32', data: [0, 1, 2, 3, 4, 5, 6, 7], ...overrides }],
});

beforeAll(async () => {
  await deployFixture('mlp', MODEL, 'fp32');
  await deployFixture('mlpSmall', MODEL, 'small');
  await setTraffic(MODEL, { fp32: 100, small: 0 });
  await deployFixture('text', 'oip-text', 'v1');
});

describe('Open Inference Protocol v2', () => {
  it('serves server metadata and health', async () => {
    expect(await json(await call('/v2'))).toMatchObject({ name: 'pare', version: expect.any(String), extensions: ['binary_tensor_data'] });
    expect((await call('/v2/health/live')).status).toBe(200);
    expect((await call('/v2/health/ready')).status).toBe(200);
  });

  it('serves model metadata and readiness, for the model and for one version', async () => {
    const meta = await json(await call(`/v2/models/${MODEL}`));
    expect(meta).toMatchObject({ name: MODEL, platform: 'onnxruntime_onnx', inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 8] }], outputs: [{ name: 'logits', datatype: 'FP32', shape: [-1, 4] }] });
    // Only what takes traffic: "small" is deployed at 0%.
    expect(meta.versions).toEqual(['fp32']);
    expect((await json(await call(`/v2/models/${MODEL}/versions/small`))).versions).toEqual(['small']);
    expect(await json(await call(`/v2/models/${MODEL}/ready`))).toEqual({ name: MODEL, ready: true });
    expect((await call(`/v2/models/${MODEL}/versions/small/ready`)).status).toBe(200);
  });

  it('infers with flat and nested data, echoing the id', async () => {
    const response = await postJson(`/v2/models/${MODEL}/infer`, { id: 'req-1', ...input() });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body).toMatchObject({ model_name: MODEL, model_version: 'fp32', id: 'req-1' });
    expect(body.outputs[0]).toMatchObject({ name: 'logits', shape: [1, 4], datatype: 'FP32' });
    expect(body.outputs[0].data).toHaveLength(4);
    const nested = await json(await postJson(`/v2/models/${MODEL}/infer`, input({ data: [[0, 1, 2, 3, 4, 5, 6, 7]] })));
    expect(nested.outputs[0].data).toEqual(body.outputs[0].data);
  });

  it('addresses one version directly, whatever the weights', async () => {
    const response = await postJson(`/v2/models/${MODEL}/versions/small/infer`, input());
    expect(response.status).toBe(200);
    expect(response.headers.get('x-pare-variant')).toBe('small');
    expect((await json(response)).model_version).toBe('small');
  });

  it('feeds INT64 inputs', async () => {
    const body = await json(await postJson('/v2/models/oip-text/infer', { inputs: [{ name: 'input_ids', shape: [1, 8], datatype: 'INT64', data: [2, 3, 4, 5, 0, 0, 0, 0] }] }));
    expect(body.outputs[0]).toMatchObject({ name: 'logits', datatype: 'FP32', shape: [1, 2] });
  });

  it('refuses token ids outside the vocabulary and floats beyond float32 (400, not a 500 or null outputs)', async () => {
    // The fixture's vocabulary has 12 ids (infra/models/textClassifier.ts).
    for (const id of [12, 1_000_000, -1]) {
      const ids = [2, id, 4, 5, 0, 0, 0, 0];
      const oip = await postJson('/v2/models/oip-text/infer', { inputs: [{ name: 'input_ids', shape: [1, 8], datatype: 'INT64', data: ids }] });
      expect(oip.status, String(id)).toBe(400);
      expect((await json(oip)).error).toMatch(new RegExp(`token id ${id}, outside the model's vocabulary of 12 ids`));
      const named = await postJson('/v1/models/oip-text/predict', { inputs: { input_ids: [ids] } });
      expect(named.status, String(id)).toBe(400);
      expect((await json(named)).error.code).toBe('input_invalid');
    }
    const overflow = await postJson(`/v2/models/${MODEL}/infer`, input({ data: [0, 1, 2, 3, 4, 5, 6, 3.4e39] }));
    expect(overflow.status).toBe(400);
    expect((await json(overflow)).error).toMatch(/within the float32 range/);
  });

  it('answers errors as {"error": "..."}', async () => {
    const cases: Array<[string, unknown, number, RegExp]> = [
      [`/v2/models/${MODEL}/infer`, input({ datatype: 'INT32' }), 400, /datatype FP32, got INT32/],
      [`/v2/models/${MODEL}/infer`, input({ datatype: 'FP99' }), 400, /Unknown datatype/],
      [`/v2/models/${MODEL}/infer`, input({ shape: [2, 8] }), 400, /16/],
      [`/v2/models/${MODEL}/infer`, input({ shape: [1, 7], data: [1, 2, 3, 4, 5, 6, 7] }), 400, /dimension 1 must be 8/],
      [`/v2/models/${MODEL}/infer`, input({ name: 'x' }), 400, /Unknown input "x"/],
      [`/v2/models/${MODEL}/infer`, { inputs: [] }, 400, /non-empty/],
      [`/v2/models/${MODEL}/infer`, { ...input(), outputs: [{ name: 'nope' }] }, 400, /outputs\[0\]/],
      [`/v2/models/${MODEL}/versions/nope/infer`, input(), 404, /no variant "nope"/],
      ['/v2/models/no-such-model/infer', input(), 404, /Unknown model/],
    ];
    for (const [path, body, status, message] of cases) {
      const response = await postJson(path, body);
      expect(response.status, path).toBe(status);
      const error = (await json(response)).error;
      expect(typeof error, JSON.stringify(error)).toBe('string');
      expect(error).toMatch(message);
    }
    const malformed = await call(`/v2/models/${MODEL}/infer`, { method: 'POST', body: 'not json' });
    expect(malformed.status).toBe(400);
    expect(typeof (await json(malformed)).error).toBe('string');
    expect((await call(`/v2/models/no-such-model`)).status).toBe(404);
    expect((await call(`/v2/models/${MODEL}/versions/nope/ready`)).status).toBe(404);
  });
});
