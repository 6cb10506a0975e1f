// Request bodies at the edge: hono's body-limit bounds them (a streamed body as well as a declared one), zod
// schemas check their fields, and either refusal is the PareError the routes have always answered with.
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { call, deployFixture, postJson } from './helpers';

const MODEL = 'bodies-text';
const LIMIT = 65_536; // MAX_BODY_BYTES in vitest.config.ts

async function error(response: Response): Promise<{ status: number; code: string; message: string }> {
  const { error } = await response.json<{ error: { code: string; message: string } }>();
  return { status: response.status, ...error };
}

/** A body sent as a stream: no Content-Length, so the limit is counted while it is read. */
function streamed(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.byteLength; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
      controller.close();
    },
  });
}

async function events(model: string, status: number): Promise<number> {
  const row = await env.DB.prepare('SELECT count(*) AS n FROM inference_events WHERE model = ? AND status = ?').bind(model, status).first<{ n: number }>();
  return row?.n ?? 0;
}

beforeAll(async () => {
  await deployFixture('text', MODEL, 'v1');
});

describe('body limit', () => {
  it('refuses a streamed body over the limit with 413, after the variant is chosen and counted like any 4xx', async () => {
    const body = JSON.stringify({ text: 'x'.repeat(LIMIT) });
    const response = await call(`/v1/models/${MODEL}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: streamed(body), duplex: 'half' } as RequestInit);
    expect(await error(response)).toEqual({ status: 413, code: 'body_too_large', message: `The request body is larger than ${LIMIT} bytes.` });
    expect(response.headers.get('x-pare-variant')).toBe('v1');
    const fits = await call(`/v1/models/${MODEL}/predict`, { method: 'POST', body: streamed(JSON.stringify({ text: 'WIN free money now' })), duplex: 'half' } as RequestInit);
    expect(fits.status).toBe(200);
    await expect.poll(() => events(MODEL, 413), { timeout: 10_000 }).toBe(1);
  });

  it('answers an unknown model with 404 even when its body is too large', async () => {
    const response = await postJson('/v1/models/bodies-nowhere/predict', { text: 'x'.repeat(LIMIT) });
    expect((await error(response)).code).toBe('model_not_found');
  });

  it('bounds the feedback route at 16 KiB and the dashboard forms at 4 KB', async () => {
    expect(await error(await postJson('/v1/feedback', { requestId: 'x'.repeat(16 * 1024), label: 'spam' }))).toMatchObject({ status: 413, message: 'The request body is larger than 16384 bytes.' });
    const form = await call('/dashboard/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${'x'.repeat(5000)}` });
    expect(await error(form)).toMatchObject({ status: 413, code: 'body_too_large' });
  });
});

describe('request fields', () => {
  it('names the field at fault, as the routes always have', async () => {
    const cases: Array<[string, unknown, number, string]> = [
      [`/v1/models/${MODEL}/predict`, { text: 3 }, 400, '"text" must be a string.'],
      [`/v1/models/${MODEL}/predict`, { texts: [] }, 400, '"texts" must be a non-empty array of strings.'],
      [`/v1/models/${MODEL}/predict`, { texts: Array(65).fill('a') }, 400, 'At most 64 texts per request, got 65.'],
      [`/v1/models/${MODEL}/predict`, { nothing: true }, 400, 'Send { "text": "…" }, { "texts": ["…"] } or { "inputs": { "<name>": [...] } }.'],
      ['/v1/embeddings', { input: 'x' }, 400, '"model" must name a deployed model.'],
      ['/v1/embeddings', { model: MODEL, input: 'x', encoding_format: 'int8' }, 400, '"encoding_format" must be "float" or "base64".'],
      ['/v1/embeddings', { model: MODEL, input: [] }, 400, '"input" must be a string or a non-empty array of strings.'],
      ['/v1/completions', { model: '', prompt: 'x' }, 400, '"model" must name a deployed model.'],
      ['/v1/completions', { model: MODEL, prompt: 'x', n: 2 }, 400, '"n" must be 1 (one completion per request).'],
      ['/v1/feedback', { label: 'spam' }, 400, '"requestId" must be the x-pare-request-id header of a predict or infer response.'],
      ['/v1/feedback', { requestId: 'r', label: '' }, 400, '"label" must be the true label, a non-empty string of at most 256 characters.'],
      ['/v1/feedback', { requestId: 'r', label: 'spam', item: -1 }, 400, '"item" must be the index of the text in a { "texts": [...] } request (0 or more).'],
    ];
    for (const [path, body, status, message] of cases) {
      expect(await error(await postJson(path, body)), `${path} ${JSON.stringify(body)}`).toEqual({ status, code: 'input_invalid', message });
    }
  });

  it('refuses a body that is not JSON, and reads a JSON body whatever its content type (curl -d sends a form type)', async () => {
    const bad = await call(`/v1/models/${MODEL}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":' });
    expect(await error(bad)).toMatchObject({ status: 400, code: 'input_invalid', message: expect.stringMatching(/^The body is not valid JSON \(/) });
    const array = await postJson(`/v1/models/${MODEL}/predict`, [1]);
    expect((await error(array)).message).toBe('The body must be a JSON object.');
    const form = await call(`/v1/models/${MODEL}/predict`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: JSON.stringify({ text: 'WIN free money now' }) });
    expect(form.status).toBe(200);
  });
});
