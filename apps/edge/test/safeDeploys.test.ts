// A variant must answer callers as the variants serving its model do: an upload whose inputs, outputs or labels
// differ is refused (409 interface_mismatch) and stores nothing, unless the upload says newModel=true.
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { createDb, listVariants } from '@pare/db';
import { admin, deployFixture, fixtureBytes, fixtureManifest, setTraffic, variantForm } from './helpers';

function upload(kind: Parameters<typeof fixtureBytes>[0], model: string, variant: string, options: { manifest?: Record<string, unknown>; newModel?: string; weight?: number } = {}): Promise<Response> {
  const form = variantForm(fixtureBytes(kind), fixtureManifest(kind, model, variant, options.manifest), options.weight);
  if (options.newModel !== undefined) form.append('newModel', options.newModel);
  return admin(`/admin/models/${model}/variants/${variant}`, { method: 'PUT', body: form });
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

const names = async (model: string) => (await listVariants(createDb(env.DB), model)).map((v) => v.name).sort();

describe('an upload whose interface differs from the serving variants', () => {
  it('is refused when its inputs differ, and leaves nothing behind', async () => {
    const model = 'safe-inputs';
    await deployFixture('mlp', model, 'fp32');
    const response = await upload('image', model, 'other');
    expect(response.status).toBe(409);
    expect(await errorOf(response)).toEqual({ code: 'interface_mismatch', message: expect.stringMatching(/does not match "safe-inputs\/fp32", which serves the model: inputs image instead of input\. .*--new-model/) });
    expect(await names(model)).toEqual(['fp32']);
    expect(await env.MODELS.head(`models/${model}/other/model.onnx`)).toBeNull();
    // A variant with the same interface (other weights, other size) is welcome.
    expect((await upload('mlpSmall', model, 'small')).status).toBe(201);
  });

  it('accepts a variant whose symbolic dimensions cover the serving ones', async () => {
    const model = 'safe-shapes';
    await deployFixture('mlp', model, 'fp32');
    // [batch, n] → [rows, 16] serves callers of [batch, 8] → [batch, 4]: a symbolic dimension matches a fixed one.
    expect((await upload('runFails', model, 'flexible', { weight: 0 })).status).toBe(201);
  });

  it('is refused when its labels differ, unless newModel=true', async () => {
    const model = 'safe-labels';
    await deployFixture('text', model, 'v1');
    const swapped = { postprocess: { labels: ['spam', 'ham'], softmax: true } };
    const refused = await upload('text', model, 'v2', { manifest: swapped });
    expect(refused.status).toBe(409);
    expect((await errorOf(refused)).message).toMatch(/labels \[spam, ham\] instead of \[ham, spam\]/);
    expect((await upload('text', model, 'v2', { manifest: swapped, newModel: 'maybe' })).status).toBe(400);
    expect((await upload('text', model, 'v2', { manifest: swapped, newModel: 'true', weight: 0 })).status).toBe(201);
  });

  it('is compared only with the variants that serve (healthy, weighted above 0)', async () => {
    const model = 'safe-serving';
    await deployFixture('mlp', model, 'a');
    expect((await upload('image', model, 'b', { newModel: 'true', weight: 0 })).status).toBe(201);
    // "b" takes no traffic: an upload like "a" is still fine, one like "b" is not.
    expect((await upload('mlpSmall', model, 'c')).status).toBe(201);
    expect((await upload('image', model, 'd')).status).toBe(409);
    // Once "b" alone serves, the model's interface is b's.
    expect((await setTraffic(model, { a: 0, b: 100, c: 0 })).status).toBe(200);
    expect((await upload('image', model, 'd')).status).toBe(201);
    expect((await upload('mlpSmall', model, 'e')).status).toBe(409);
  });

  it('keeps the task check: another task is refused even with newModel=true', async () => {
    const model = 'safe-task';
    await deployFixture('text', model, 'v1');
    const response = await upload('mlp', model, 'tensor', { newModel: 'true' });
    expect(response.status).toBe(409);
    expect((await errorOf(response)).code).toBe('task_mismatch');
  });
});
