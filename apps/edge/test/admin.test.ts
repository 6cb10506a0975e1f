import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { parseManifest, sha256Hex } from '@pare/runtime';
import { workerdBackend } from '@pare/runtime/workerd';
import { DEFAULT_MAX_TRIAL_RUN_MS, MAX_TRIAL_OUTPUT_BYTES, trialLimits, trialRun } from '../src/inference/trialRun';
import { admin, call, deployFixture, fixtureBytes, fixtureManifest, setTraffic, variantForm } from './helpers';

const MODEL = 'admin-model';

async function json(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

describe('admin authentication', () => {
  it('refuses a missing token with 401 and a wrong one with 403', async () => {
    const missing = await call(`/admin/models/${MODEL}/rollback`, { method: 'POST' });
    expect(missing.status).toBe(401);
    expect((await json(missing)).error.code).toBe('unauthorized');
    const wrong = await call(`/admin/models/${MODEL}/rollback`, { method: 'POST', headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(403);
    expect((await json(wrong)).error).toEqual({ code: 'forbidden', message: 'The admin token is wrong.' });
  });
});

describe('PUT /admin/models/:model/variants/:variant', () => {
  it('stores a variant whose bytes match its manifest and load in ORT', async () => {
    const response = await deployFixture('mlp', MODEL, 'fp32');
    expect(response.status).toBe(201);
    const body = await json(response);
    expect(body.deployment.weights).toEqual({ fp32: 100 });
    const stored = await env.MODELS.get(`models/${MODEL}/fp32/model.onnx`);
    expect(stored).not.toBeNull();
    expect(JSON.parse(await (await env.MODELS.get(`models/${MODEL}/fp32/manifest.json`))!.text()).sha256).toBe(body.sha256);
    // Same bytes again: idempotent.
    expect((await deployFixture('mlp', MODEL, 'fp32')).status).toBe(200);
  });

  it('refuses other bytes under an existing variant name (variants are immutable)', async () => {
    const response = await admin(`/admin/models/${MODEL}/variants/fp32`, { method: 'PUT', body: variantForm(fixtureBytes('mlpSmall'), fixtureManifest('mlpSmall', MODEL, 'fp32')) });
    expect(response.status).toBe(409);
    expect((await json(response)).error.code).toBe('variant_exists');
  });

  it('refuses bytes whose sha256 differs from the manifest', async () => {
    const manifest = fixtureManifest('mlp', MODEL, 'bad-hash', { sha256: '0'.repeat(64) });
    const response = await admin(`/admin/models/${MODEL}/variants/bad-hash`, { method: 'PUT', body: variantForm(fixtureBytes('mlp'), manifest) });
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe('sha256_mismatch');
  });

  it('refuses bytes that onnxruntime cannot load, even with a matching hash', async () => {
    const garbage = new TextEncoder().encode('this is not an onnx model at all');
    const digest = await sha256Hex(garbage);
    const manifest = fixtureManifest('mlp', MODEL, 'garbage', { sha256: digest, bytes: garbage.byteLength });
    const response = await admin(`/admin/models/${MODEL}/variants/garbage`, { method: 'PUT', body: variantForm(garbage, manifest) });
    expect(response.status).toBe(422);
    expect((await json(response)).error.code).toBe('model_unloadable');
  });

  it('refuses an invalid manifest, a manifest for another variant, and a non-multipart body', async () => {
    const invalid = await admin(`/admin/models/${MODEL}/variants/x`, { method: 'PUT', body: variantForm(fixtureBytes('mlp'), { model: MODEL }) });
    expect(invalid.status).toBe(400);
    expect((await json(invalid)).error.code).toBe('manifest_invalid');
    const other = await admin(`/admin/models/${MODEL}/variants/x`, { method: 'PUT', body: variantForm(fixtureBytes('mlp'), fixtureManifest('mlp', MODEL, 'y')) });
    expect((await json(other)).error.code).toBe('manifest_mismatch');
    const plain = await admin(`/admin/models/${MODEL}/variants/x`, { method: 'PUT', body: 'hello' });
    expect(plain.status).toBe(415);
  });

  it('refuses a bad weight before storing anything', async () => {
    const model = 'bad-weight-model';
    for (const weight of [50, 150]) {
      const refused = await admin(`/admin/models/${model}/variants/fp32`, { method: 'PUT', body: variantForm(fixtureBytes('mlp'), fixtureManifest('mlp', model, 'fp32'), weight) });
      expect(refused.status).toBe(400);
      expect((await json(refused)).error.code).toBe('weights_invalid');
    }
    const models = await json(await call('/v1/models'));
    expect(models.models.find((m: { name: string }) => m.name === model)).toBeUndefined();
    expect(await env.MODELS.get(`models/${model}/fp32/model.onnx`)).toBeNull();
  });
});

describe('traffic, promote, rollback, delete', () => {
  const M = 'traffic-model';

  it('sets weights that sum to 100 over healthy variants, and refuses others', async () => {
    await deployFixture('mlp', M, 'fp32');
    await deployFixture('mlpSmall', M, 'small', 10);
    let models = await json(await call('/v1/models'));
    let entry = models.models.find((m: { name: string }) => m.name === M);
    expect(Object.fromEntries(entry.variants.map((v: { name: string; weight: number }) => [v.name, v.weight]))).toEqual({ fp32: 90, small: 10 });

    const ok = await setTraffic(M, { fp32: 60, small: 40 });
    expect(ok.status).toBe(200);
    expect((await json(ok)).deployment.weights).toEqual({ fp32: 60, small: 40 });

    const notHundred = await setTraffic(M, { fp32: 60, small: 30 });
    expect(notHundred.status).toBe(400);
    expect((await json(notHundred)).error.message).toMatch(/sum to 90/);
    const unknown = await setTraffic(M, { fp32: 50, nope: 50 });
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.code).toBe('variant_not_found');
    const unknownModel = await setTraffic('no-such-model', { a: 100 });
    expect(unknownModel.status).toBe(404);
    const malformed = await admin(`/admin/models/${M}/traffic`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"weights":' });
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).error.code).toBe('input_invalid');

    models = await json(await call('/v1/models'));
    entry = models.models.find((m: { name: string }) => m.name === M);
    expect(entry.variants.map((v: { weight: number }) => v.weight)).toEqual([60, 40]);
  });

  it('promotes one variant to 100 and rolls back to the previous weights', async () => {
    const promoted = await admin(`/admin/models/${M}/promote`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ variant: 'small' }) });
    expect(promoted.status).toBe(200);
    expect((await json(promoted)).deployment.weights).toEqual({ small: 100 });

    const rolledBack = await admin(`/admin/models/${M}/rollback`, { method: 'POST' });
    expect(rolledBack.status).toBe(200);
    expect((await json(rolledBack)).deployment.weights).toEqual({ fp32: 60, small: 40 });
    // A second rollback goes one further back, not forward again.
    expect((await json(await admin(`/admin/models/${M}/rollback`, { method: 'POST' }))).deployment.weights).toEqual({ fp32: 90, small: 10 });
  });

  it('refuses to delete a variant that has traffic, deletes it once it has none', async () => {
    const refused = await admin(`/admin/models/${M}/variants/small`, { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect((await json(refused)).error.code).toBe('variant_has_traffic');
    await admin(`/admin/models/${M}/promote`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ variant: 'fp32' }) });
    const deleted = await admin(`/admin/models/${M}/variants/small`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(await env.MODELS.get(`models/${M}/small/model.onnx`)).toBeNull();
    expect((await admin(`/admin/models/${M}/variants/small`, { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses to roll back to weights that give traffic to a deleted variant', async () => {
    // The version before the promote above gave "small" traffic; "small" is gone now.
    const refused = await admin(`/admin/models/${M}/rollback`, { method: 'POST' });
    expect(refused.status).toBe(409);
    expect((await json(refused)).error.code).toBe('rollback_refused');
    const models = await json(await call('/v1/models'));
    const entry = models.models.find((m: { name: string }) => m.name === M);
    expect(Object.fromEntries(entry.variants.map((v: { name: string; weight: number }) => [v.name, v.weight]))).toEqual({ fp32: 100 });
    expect((await call(`/v2/models/${M}`)).status).toBe(200);
  });

  it('gives concurrent traffic changes distinct versions instead of failing one', async () => {
    const responses = await Promise.all(Array.from({ length: 8 }, () => setTraffic(M, { fp32: 100 })));
    expect(responses.map((r) => r.status)).toEqual(new Array(8).fill(200));
    const versions = await Promise.all(responses.map(async (r) => (await json(r)).deployment.version as number));
    expect(new Set(versions).size).toBe(8);
  });

  it('refuses traffic and promote bodies not of the wire shape, naming what to send', async () => {
    const model = 'body-shape-model';
    await deployFixture('mlp', model, 'fp32');
    const send = async (path: string, method: string, body: unknown) => json(await admin(`/admin/models/${model}/${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
    expect((await send('traffic', 'PUT', { weights: [100] })).error).toMatchObject({ code: 'weights_invalid', message: expect.stringContaining('Send { "weights"') });
    expect((await send('traffic', 'PUT', { weights: { fp32: 'all' } })).error).toMatchObject({ code: 'weights_invalid', message: 'Weight of "fp32" must be an integer from 0 to 100, got all.' });
    expect((await send('promote', 'POST', { variant: 3 })).error).toMatchObject({ code: 'input_invalid', message: 'Send { "variant": "<name>" }.' });
  });

  it('gives a deleted variant no share when a deploy rescales the weights', async () => {
    const model = 'rescale-model';
    await deployFixture('mlp', model, 'fp32');
    await deployFixture('mlpSmall', model, 'small', 10);
    expect((await setTraffic(model, { fp32: 100, small: 0 })).status).toBe(200);
    expect((await admin(`/admin/models/${model}/variants/small`, { method: 'DELETE' })).status).toBe(200);
    // fp32 again (same bytes) at 50%: the only other variant named in the weights is gone, so nothing can take the rest.
    const refused = await admin(`/admin/models/${model}/variants/fp32`, { method: 'PUT', body: variantForm(fixtureBytes('mlp'), fixtureManifest('mlp', model, 'fp32'), 50) });
    expect(refused.status).toBe(400);
    expect((await json(refused)).error.code).toBe('weights_invalid');
    const models = await json(await call('/v1/models'));
    expect(models.models.find((m: { name: string }) => m.name === model).deploymentVersion).toBe(3);
  });

  it('answers 409 when there is nothing to roll back to', async () => {
    await deployFixture('mlp', 'single-model', 'only');
    const response = await admin('/admin/models/single-model/rollback', { method: 'POST' });
    expect(response.status).toBe(409);
    expect((await json(response)).error.code).toBe('nothing_to_roll_back');
  });
});

describe('an upload whose manifest disagrees with its model, or whose model does not run', () => {
  const model = 'checked-upload-model';

  /** Upload, expect a 422 with `code`, and check that neither R2 nor D1 kept anything of the variant. */
  async function refusedWithNothingStored(variant: string, bytes: Uint8Array, manifest: unknown, code: string): Promise<Record<string, any>> {
    const response = await admin(`/admin/models/${model}/variants/${variant}`, { method: 'PUT', body: variantForm(bytes, manifest) });
    expect(response.status).toBe(422);
    const { error } = await json(response);
    expect(error.code).toBe(code);
    expect(await env.MODELS.get(`models/${model}/${variant}/model.onnx`)).toBeNull();
    expect(await env.MODELS.get(`models/${model}/${variant}/manifest.json`)).toBeNull();
    expect(await env.DB.prepare('SELECT name FROM variants WHERE model = ? AND name = ?').bind(model, variant).first()).toBeNull();
    return error;
  }

  it('refuses a tokenizer vocabulary larger than the embedding table', async () => {
    const base = fixtureManifest('text', model, 'big-vocab') as { preprocess: { tokenizer: { vocab: string[] } } };
    const vocab = [...base.preprocess.tokenizer.vocab, ...Array.from({ length: 500 }, (_, i) => `extra${i}`)];
    const manifest = { ...base, preprocess: { ...base.preprocess, tokenizer: { ...base.preprocess.tokenizer, vocab } } };
    const error = await refusedWithNothingStored('big-vocab', fixtureBytes('text'), manifest, 'manifest_mismatch');
    expect(error.message).toMatch(new RegExp(`tokenizer has ${vocab.length} entries but the model fails on id ${vocab.length - 1}`));
  });

  it('refuses 3 labels for a 2-logit model', async () => {
    const manifest = fixtureManifest('text', model, 'three-labels', { postprocess: { labels: ['ham', 'spam', 'eggs'], softmax: true } });
    const error = await refusedWithNothingStored('three-labels', fixtureBytes('text'), manifest, 'manifest_mismatch');
    expect(error.message).toMatch(/2 scores per text but postprocess\.labels lists 3/);
  });

  it('refuses a preprocess.idsInput the model does not have', async () => {
    const base = fixtureManifest('text', model, 'wrong-ids');
    const manifest = { ...base, preprocess: { ...(base.preprocess as object), idsInput: 'token_ids' } };
    const error = await refusedWithNothingStored('wrong-ids', fixtureBytes('text'), manifest, 'manifest_mismatch');
    expect(error.message).toMatch(/preprocess\.idsInput names "token_ids"/);
  });

  it('refuses a manifest dtype or output name the model does not have', async () => {
    const base = fixtureManifest('mlp', model, 'wrong-io');
    const dtype = { ...base, inputs: [{ name: 'input', dtype: 'int64', shape: ['batch', 8] }] };
    expect((await refusedWithNothingStored('wrong-io', fixtureBytes('mlp'), dtype, 'manifest_mismatch')).message).toMatch(/says input "input" is int64, the model says float32/);
    const output = { ...base, outputs: [{ name: 'scores', dtype: 'float32', shape: ['batch', 4] }] };
    expect((await refusedWithNothingStored('wrong-io', fixtureBytes('mlp'), output, 'manifest_mismatch')).message).toMatch(/outputs the model does not have: scores/);
  });

  it('refuses a model that loads but fails on the trial run', async () => {
    // It does load: only running it shows the impossible Reshape.
    const session = await workerdBackend.createSession(fixtureBytes('trialFails'));
    await session.release();
    const error = await refusedWithNothingStored('trial-fails', fixtureBytes('trialFails'), fixtureManifest('trialFails', model, 'trial-fails'), 'model_unloadable');
    expect(error.message).toMatch(/does not run on a trial input/);
  });

  it('refuses a model whose constant shapes ask for more memory than an isolate has, before onnxruntime allocates', async () => {
    const error = await refusedWithNothingStored('shape-bomb', fixtureBytes('shapeBomb'), fixtureManifest('shapeBomb', model, 'shape-bomb'), 'model_unloadable');
    expect(error.message).toMatch(/ConstantOfShape.*900000000 elements/);
  });

  it('refuses a trial run slower than the limit or with outputs over the bound', async () => {
    const manifest = parseManifest(fixtureManifest('mlp', model, 'limits'));
    const session = await workerdBackend.createSession(fixtureBytes('mlp'));
    try {
      await expect(trialRun(manifest, session, { maxRunMs: -1, maxOutputBytes: MAX_TRIAL_OUTPUT_BYTES })).rejects.toMatchObject({ code: 'model_unloadable', status: 422, message: expect.stringMatching(/MAX_TRIAL_RUN_MS/) });
      await expect(trialRun(manifest, session, { maxRunMs: 60_000, maxOutputBytes: 8 })).rejects.toMatchObject({ code: 'model_unloadable', message: expect.stringMatching(/16 bytes, more than the 8 allowed/) });
      await expect(trialRun(manifest, session, trialLimits(undefined))).resolves.toBeUndefined();
    } finally {
      await session.release();
    }
    expect(trialLimits('250').maxRunMs).toBe(250);
    expect(trialLimits('soon').maxRunMs).toBe(DEFAULT_MAX_TRIAL_RUN_MS);
  });

  it('lets exactly one of two concurrent uploads of one name win', async () => {
    const upload = (kind: 'mlp' | 'mlpSmall') => admin(`/admin/models/${model}/variants/race`, { method: 'PUT', body: variantForm(fixtureBytes(kind), fixtureManifest(kind, model, 'race')) });
    const responses = await Promise.all([upload('mlp'), upload('mlpSmall')]);
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409]);
    const loser = responses.find((r) => r.status === 409)!;
    expect((await json(loser)).error.code).toBe('variant_exists');
    const winner = await json(responses.find((r) => r.status === 201)!);
    // The winner's bytes, and only them, are stored and served.
    const stored = await env.MODELS.get(`models/${model}/race/model.onnx`);
    expect(await sha256Hex(new Uint8Array(await stored!.arrayBuffer()))).toBe(winner.sha256);
    const row = await env.DB.prepare('SELECT sha256, status FROM variants WHERE model = ? AND name = ?').bind(model, 'race').first<{ sha256: string; status: string }>();
    expect(row).toEqual({ sha256: winner.sha256, status: 'healthy' });
  });
});
