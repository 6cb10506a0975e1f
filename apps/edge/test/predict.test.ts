import { beforeAll, describe, expect, it } from 'vitest';
import { admin, call, deployFixture, fixtureBytes, fixtureManifest, MLP_INPUT, postJson, variantForm } from './helpers';

const MODEL = 'predict-model';
const TEXT = 'predict-text';

async function json(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

beforeAll(async () => {
  await deployFixture('mlp', MODEL, 'fp32');
  await deployFixture('text', TEXT, 'v1');
});

describe('POST /v1/models/:model/predict with tensors', () => {
  it('runs the model and says which variant answered, with timings', async () => {
    const response = await postJson(`/v1/models/${MODEL}/predict`, { inputs: { input: [...MLP_INPUT, MLP_INPUT[0]] } }, { 'x-pare-unit': 'alice' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-pare-variant')).toBe('fp32');
    expect(response.headers.get('server-timing')).toMatch(/run;dur=[\d.]+.*queue;dur=[\d.]+, total;dur=[\d.]+$/);
    const body = await json(response);
    expect(body.variant).toBe('fp32');
    expect(body.outputs.logits.shape).toEqual([2, 4]);
    expect(body.outputs.logits.dtype).toBe('float32');
    expect(body.outputs.logits.data[0]).toEqual(body.outputs.logits.data[1]);
    expect(body.outputs.logits.data[0].every((v: unknown) => typeof v === 'number')).toBe(true);
  });

  it('answers 400 for malformed JSON, naming the problem', async () => {
    const response = await call(`/v1/models/${MODEL}/predict`, { method: 'POST', body: '{"inputs": [' });
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe('input_invalid');
  });

  it('answers 400 for a wrong shape, a ragged array, a wrong dtype, an unknown or missing input', async () => {
    const wrongShape = await postJson(`/v1/models/${MODEL}/predict`, { inputs: { input: [[1, 2, 3]] } });
    expect(wrongShape.status).toBe(400);
    expect((await json(wrongShape)).error.message).toMatch(/dimension 1 must be 8/);
    const wrongRank = await postJson(`/v1/models/${MODEL}/predict`, { inputs: { input: [1, 2, 3, 4, 5, 6, 7, 8] } });
    expect((await json(wrongRank)).error.message).toMatch(/rank 2/);
    const ragged = await postJson(`/v1/models/${MODEL}/predict`, { inputs: { input: [[1, 2, 3, 4, 5, 6, 7, 8], [1]] } });
    expect((await json(ragged)).error.message).toMatch(/ragged/);
    const wrongType = await postJson(`/v1/models/${MODEL}/predict`, { inputs: { input: [['a', 2, 3, 4, 5, 6, 7, 8]] } });
    expect(wrongType.status).toBe(400);
    expect((await json(wrongType)).error.message).toMatch(/must be a finite number/);
    const unknown = await postJson(`/v1/models/${MODEL}/predict`, { inputs: { input: MLP_INPUT, extra: [1] } });
    expect((await json(unknown)).error.message).toMatch(/Unknown input "extra"/);
    const missing = await postJson(`/v1/models/${MODEL}/predict`, { inputs: {} });
    expect((await json(missing)).error.message).toMatch(/Missing input "input"/);
    const neither = await postJson(`/v1/models/${MODEL}/predict`, { nothing: true });
    expect(neither.status).toBe(400);
  });

  it('answers 400 for an input nested far deeper than any tensor (no stack overflow)', async () => {
    const depth = 30_000;
    const body = `{"inputs":{"input":${'['.repeat(depth)}1${']'.repeat(depth)}}}`;
    const response = await call(`/v1/models/${MODEL}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe('input_invalid');
  });

  it('answers 413 for a body over the size limit', async () => {
    const big = { inputs: { input: [Array.from({ length: 8 }, () => 0.123456789)] }, padding: 'x'.repeat(70_000) };
    const response = await postJson(`/v1/models/${MODEL}/predict`, big);
    expect(response.status).toBe(413);
    expect((await json(response)).error.code).toBe('body_too_large');
  });

  it('answers 404 for an unknown model', async () => {
    const response = await postJson('/v1/models/no-such-model/predict', { inputs: { input: MLP_INPUT } });
    expect(response.status).toBe(404);
    expect((await json(response)).error).toMatchObject({ code: 'model_not_found' });
  });

  it('refuses text for a tensor model', async () => {
    const response = await postJson(`/v1/models/${MODEL}/predict`, { text: 'hello' });
    expect(response.status).toBe(400);
    expect((await json(response)).error.message).toMatch(/not a text model/);
  });
});

describe('POST /v1/models/:model/predict with text', () => {
  it('tokenizes with the manifest vocabulary and labels the scores', async () => {
    const spam = await json(await postJson(`/v1/models/${TEXT}/predict`, { text: 'WIN free money now' }));
    expect(spam.label).toBe('spam');
    expect(spam.variant).toBe('v1');
    expect(spam.scores.spam + spam.scores.ham).toBeCloseTo(1, 5);
    const ham = await json(await postJson(`/v1/models/${TEXT}/predict`, { text: 'hello, meeting tomorrow for lunch' }));
    expect(ham.label).toBe('ham');
  });

  it('labels with the manifest of the variant that answered, even when another variant has the same bytes', async () => {
    const model = 'relabel-text';
    await deployFixture('text', model, 'v1');
    expect((await json(await postJson(`/v1/models/${model}/predict`, { text: 'WIN free money now' }))).label).toBe('spam');
    // Variants are immutable: a corrected manifest is deployed as a new variant with the same bytes.
    const manifest = fixtureManifest('text', model, 'v2');
    manifest.postprocess = { ...(manifest.postprocess as Record<string, unknown>), labels: ['not-spam', 'junk'] };
    // New labels are a new interface for the model's callers: the upload says so (newModel), or it is refused.
    const form = variantForm(fixtureBytes('text'), manifest, 100);
    expect((await admin(`/admin/models/${model}/variants/v2`, { method: 'PUT', body: form })).status).toBe(409);
    form.append('newModel', 'true');
    const put = await admin(`/admin/models/${model}/variants/v2`, { method: 'PUT', body: form });
    expect(put.status).toBe(201);
    const relabelled = await json(await postJson(`/v1/models/${model}/predict`, { text: 'WIN free money now' }));
    expect(relabelled.variant).toBe('v2');
    expect(relabelled.label).toBe('junk');
    expect(Object.keys(relabelled.scores).sort()).toEqual(['junk', 'not-spam']);
  });

  it('classifies a batch of texts', async () => {
    const body = await json(await postJson(`/v1/models/${TEXT}/predict`, { texts: ['free money', 'lunch tomorrow'] }));
    expect(body.results.map((r: { label: string }) => r.label)).toEqual(['spam', 'ham']);
  });

  it('answers 400 for texts that are not strings', async () => {
    expect((await postJson(`/v1/models/${TEXT}/predict`, { text: 42 })).status).toBe(400);
    expect((await postJson(`/v1/models/${TEXT}/predict`, { texts: [] })).status).toBe(400);
    expect((await postJson(`/v1/models/${TEXT}/predict`, { texts: ['a', 1] })).status).toBe(400);
  });
});
