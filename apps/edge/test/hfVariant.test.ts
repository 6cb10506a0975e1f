// A Hugging Face variant through the worker: tokenizer.json uploaded beside the model, checked against the
// manifest on upload and on load, texts encoded with it (rows padded to the longest, long ones cut and said so).
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, fixtureBytes, fixtureManifest, postJson, setTraffic, variantForm } from './helpers';

const MODEL = 'hf-spam';
const hf = () => env.FIXTURES.hfText;
const tokenizerBytes = () => Uint8Array.from(atob(hf().tokenizerBase64!), (ch) => ch.charCodeAt(0));

function uploadForm(variant: string, tokenizer: Uint8Array | undefined, overrides: Record<string, unknown> = {}, weight?: number): FormData {
  const form = variantForm(fixtureBytes('hfText'), fixtureManifest('hfText', MODEL, variant, overrides), weight);
  if (tokenizer) form.append('tokenizer', new Blob([tokenizer]), 'tokenizer.json');
  return form;
}

async function json(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

beforeAll(async () => {
  const response = await admin(`/admin/models/${MODEL}/variants/fp32`, { method: 'PUT', body: uploadForm('fp32', tokenizerBytes()) });
  if (response.status !== 201) throw new Error(`deploy failed: ${response.status} ${await response.text()}`);
});

describe('a Hugging Face text classifier at the edge', () => {
  it('encodes raw texts with tokenizer.json, several in one run, and says which were cut', async () => {
    const long = 'free money '.repeat(100);
    const response = await postJson(`/v1/models/${MODEL}/predict`, { texts: ['free money now', 'see you at lunch', long] });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = await json(response);
    expect(body.results).toHaveLength(3);
    for (const r of body.results) expect(r.scores.ham + r.scores.spam).toBeCloseTo(1, 5);
    expect(body.truncation).toEqual({ strategy: 'right', maxLength: 128, texts: [2] });
  });

  it('stores tokenizer.json beside the model', async () => {
    const stored = await env.MODELS.get(`models/${MODEL}/fp32/tokenizer.json`);
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(tokenizerBytes());
  });

  it('refuses an upload without its tokenizer.json (400) or with another one (422)', async () => {
    const missing = await admin(`/admin/models/${MODEL}/variants/no-tokenizer`, { method: 'PUT', body: uploadForm('no-tokenizer', undefined) });
    expect(missing.status).toBe(400);
    expect((await json(missing)).error).toMatchObject({ code: 'input_invalid', message: expect.stringMatching(/"tokenizer" part/) });
    const other = tokenizerBytes().slice();
    other[other.length - 2] = other[other.length - 2] === 0x20 ? 0x0a : 0x20;
    const wrong = await admin(`/admin/models/${MODEL}/variants/wrong-tokenizer`, { method: 'PUT', body: uploadForm('wrong-tokenizer', other) });
    expect(wrong.status).toBe(422);
    expect((await json(wrong)).error).toMatchObject({ code: 'tokenizer_mismatch', message: expect.stringMatching(/hashes to/) });
  });

  it('marks a variant whose stored tokenizer.json is corrupt unhealthy, and serves a healthy one', async () => {
    // Another maxLength: a tokenizer of its own, not the one the isolate has parsed for fp32.
    const spec = (fixtureManifest('hfText', MODEL, 'short') as { preprocess: { tokenizer: Record<string, unknown> } }).preprocess;
    const put = await admin(`/admin/models/${MODEL}/variants/short`, { method: 'PUT', body: uploadForm('short', tokenizerBytes(), { preprocess: { ...spec, tokenizer: { ...spec.tokenizer, maxLength: 64 } } }, 0) });
    expect(put.status, await put.clone().text()).toBe(201);
    await env.MODELS.put(`models/${MODEL}/short/tokenizer.json`, '{"corrupt": true}');
    expect((await setTraffic(MODEL, { fp32: 0, short: 100 })).status).toBe(200);
    const response = await postJson(`/v1/models/${MODEL}/predict`, { text: 'free money now' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-pare-variant')).toBe('fp32');
    expect(response.headers.get('x-pare-fallback-from')).toBe('short');
  });
});
