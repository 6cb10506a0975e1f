// Reading a deployed variant back through the admin API (src/routes/variantDownload.ts): its record and
// manifest, and its model and tokenizer.json bytes from R2 with the manifest's sha256 in a header.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '@pare/runtime';
import { admin, call, deployFixture, fixtureBytes, fixtureManifest, variantForm } from './helpers';

const MODEL = 'download-model';
const HF_MODEL = 'download-hf';
const hfTokenizer = () => Uint8Array.from(atob(env.FIXTURES.hfText.tokenizerBase64!), (ch) => ch.charCodeAt(0));

async function json(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

beforeAll(async () => {
  await deployFixture('mlp', MODEL, 'fp32');
  const form = variantForm(fixtureBytes('hfText'), fixtureManifest('hfText', HF_MODEL, 'fp32'));
  form.append('tokenizer', new Blob([hfTokenizer()]), 'tokenizer.json');
  const response = await admin(`/admin/models/${HF_MODEL}/variants/fp32`, { method: 'PUT', body: form });
  if (response.status !== 201) throw new Error(`deploy failed: ${response.status} ${await response.text()}`);
});

describe('GET /admin/models/:model/variants/:variant', () => {
  it('needs the admin token: 401 without one, 403 with a wrong one', async () => {
    for (const path of [`/admin/models/${MODEL}/variants/fp32`, `/admin/models/${MODEL}/variants/fp32/model.onnx`]) {
      expect((await call(path)).status).toBe(401);
      expect((await call(path, { headers: { authorization: 'Bearer nope' } })).status).toBe(403);
    }
  });

  it('answers the stored record with its manifest', async () => {
    const response = await admin(`/admin/models/${MODEL}/variants/fp32`);
    expect(response.status).toBe(200);
    const body = await json(response);
    const bytes = fixtureBytes('mlp');
    expect(body).toMatchObject({ model: MODEL, variant: 'fp32', sha256: await sha256Hex(bytes), bytes: bytes.byteLength, status: 'healthy' });
    expect(body.manifest).toMatchObject({ model: MODEL, variant: 'fp32', sha256: body.sha256 });
    expect(body.tokenizer).toBeUndefined();
  });

  it('is 404 variant_not_found for an unknown variant or model', async () => {
    for (const path of [`/admin/models/${MODEL}/variants/nope`, `/admin/models/no-such-model/variants/fp32/model.onnx`]) {
      const response = await admin(path);
      expect(response.status).toBe(404);
      expect((await json(response)).error.code).toBe('variant_not_found');
    }
  });
});

describe('GET /admin/models/:model/variants/:variant/<file>', () => {
  it('streams the model bytes as uploaded, with their sha256 and size in the headers', async () => {
    const response = await admin(`/admin/models/${MODEL}/variants/fp32/model.onnx`);
    expect(response.status).toBe(200);
    const bytes = fixtureBytes('mlp');
    expect(response.headers.get('x-pare-sha256')).toBe(await sha256Hex(bytes));
    expect(response.headers.get('content-length')).toBe(String(bytes.byteLength));
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
  });

  it('streams tokenizer.json of a Hugging Face variant, whose record names its hash', async () => {
    const record = await json(await admin(`/admin/models/${HF_MODEL}/variants/fp32`));
    const tokenizer = hfTokenizer();
    expect(record.tokenizer).toEqual({ sha256: await sha256Hex(tokenizer), bytes: tokenizer.byteLength });
    const response = await admin(`/admin/models/${HF_MODEL}/variants/fp32/tokenizer.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-pare-sha256')).toBe(record.tokenizer.sha256);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(tokenizer);
  });

  it('is 404 for tokenizer.json of a variant whose tokenizer is not a file', async () => {
    const response = await admin(`/admin/models/${MODEL}/variants/fp32/tokenizer.json`);
    expect(response.status).toBe(404);
    expect((await json(response)).error).toMatchObject({ code: 'file_not_found', message: expect.stringContaining('has no tokenizer.json') });
  });

  it('is 503 when storage lost the object the record names', async () => {
    await deployFixture('mlp', MODEL, 'lost');
    await env.MODELS.delete(`models/${MODEL}/lost/model.onnx`);
    const response = await admin(`/admin/models/${MODEL}/variants/lost/model.onnx`);
    expect(response.status).toBe(503);
    expect((await json(response)).error).toMatchObject({ code: 'variant_unavailable', message: expect.stringContaining('missing from storage') });
  });
});
