import { createHash } from 'node:crypto';
import { afterEach, expect, test } from 'vitest';
import { EdgeClient } from '../src/edge/edgeClient';
import type { DeployVariantResponse, ModelsResponse } from '../src/wire/index';
import { closedPort, json, startServer, type TestServer } from './httpServer';

// EdgeClient on the wire. Its calls against the real edge worker are tested in apps/cli (test/edgeClient.test.ts).

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const models: ModelsResponse = {
  models: [{ name: 'spam', task: 'text-classification', deploymentVersion: 2, variants: [{ name: 'fp32', sha256: 'ab', bytes: 10, weight: 100, status: 'healthy', createdAt: '2026-01-01T00:00:00.000Z' }] }],
};

test('uploads a variant as multipart with the token, and hands the answer back as sent', async () => {
  let seen: { auth?: string; form?: FormData; path?: string } = {};
  server = await startServer((request, body, response) => {
    void new Response(body, { headers: { 'content-type': request.headers['content-type']! } }).formData().then((form) => {
      seen = { auth: request.headers.authorization, form, path: request.url };
      const answer: DeployVariantResponse & { extra: string } = { model: 'spam', variant: 'int8', sha256: 'ff', bytes: 3, status: 'healthy', created: true, extra: 'kept' };
      json(response, 201, answer);
    });
  });
  const client = new EdgeClient({ endpoint: `${server.url}/`, token: 't0k' });
  const answer = await client.deployVariant({ model: 'spam', variant: 'int8', bytes: new Uint8Array([1, 2, 3]), manifest: { task: 'x' }, weight: 20 });
  expect(answer).toMatchObject({ created: true, extra: 'kept' });
  expect(seen.path).toBe('/admin/models/spam/variants/int8');
  expect(seen.auth).toBe('Bearer t0k');
  expect(Array.from(new Uint8Array(await (seen.form!.get('model') as File).arrayBuffer()))).toEqual([1, 2, 3]);
  expect(JSON.parse(seen.form!.get('manifest') as string)).toEqual({ task: 'x' });
  expect(seen.form!.get('weight')).toBe('20');
  expect(seen.form!.get('tokenizer')).toBeNull();
});

test('sends tokenizer.json as its own part when the upload has one', async () => {
  let form: FormData | undefined;
  server = await startServer((request, body, response) => {
    void new Response(body, { headers: { 'content-type': request.headers['content-type']! } }).formData().then((f) => {
      form = f;
      json(response, 201, { model: 'ner', variant: 'v1', sha256: 'ff', bytes: 3, status: 'healthy', created: true });
    });
  });
  const tokenizer = new TextEncoder().encode('{"model":{"type":"WordPiece"}}');
  await new EdgeClient({ endpoint: server.url, token: 't' }).deployVariant({ model: 'ner', variant: 'v1', bytes: new Uint8Array([1]), manifest: {}, tokenizer });
  const part = form!.get('tokenizer') as File;
  expect(part.name).toBe('tokenizer.json');
  expect(await part.text()).toBe('{"model":{"type":"WordPiece"}}');
});

test('an admin call without a token fails before sending anything', async () => {
  let requests = 0;
  server = await startServer((_request, _body, response) => {
    requests++;
    json(response, 200, {});
  });
  await expect(new EdgeClient({ endpoint: server.url }).rollback('spam')).rejects.toMatchObject({ code: 'token_missing', message: expect.stringContaining('PARE_TOKEN') });
  expect(requests).toBe(0);
});

test("the edge's error body becomes a PareError with its code, message and status", async () => {
  server = await startServer((_request, _body, response) => json(response, 409, { error: { code: 'variant_has_traffic', message: 'Move it first.' } }));
  await expect(new EdgeClient({ endpoint: server.url, token: 't' }).deleteVariant('spam', 'fp32')).rejects.toMatchObject({ code: 'variant_has_traffic', message: 'Move it first.', status: 409 });
});

test('an error page that is not JSON keeps its status and says what answered', async () => {
  server = await startServer((_request, _body, response) => response.writeHead(502).end('<html>bad gateway</html>'));
  await expect(new EdgeClient({ endpoint: server.url }).listModels()).rejects.toMatchObject({ code: 'edge_error', status: 502, message: expect.stringContaining('GET /v1/models answered 502') });
});

test('an answer that is not JSON, or not the wire shape, is edge_bad_response naming the field', async () => {
  server = await startServer((request, _body, response) => {
    if (request.url === '/v1/models') response.writeHead(200).end('hello');
    else json(response, 200, { model: 'spam', window: '1h', latencySource: 'isolate', unserved: { requests: 0 }, variants: 'none' });
  });
  const client = new EdgeClient({ endpoint: server.url });
  await expect(client.listModels()).rejects.toMatchObject({ code: 'edge_bad_response', message: expect.stringContaining('not JSON') });
  await expect(client.stats('spam', '1h')).rejects.toMatchObject({ code: 'edge_bad_response', message: expect.stringMatching(/GET \/v1\/models\/spam\/stats\?window=1h answered a body this client does not understand: variants: /) });
});

test('the read API needs no token; ab sends its query', async () => {
  const urls: string[] = [];
  server = await startServer((request, _body, response) => {
    urls.push(request.url!);
    if (request.url === '/v1/models') return json(response, 200, models);
    json(response, 404, { error: { code: 'model_not_found', message: 'No model "nope".' } });
  });
  const client = new EdgeClient({ endpoint: server.url });
  expect(await client.listModels()).toEqual(models);
  await expect(client.ab('nope', { window: '1h', a: 'fp32', b: 'int8' })).rejects.toMatchObject({ code: 'model_not_found' });
  expect(urls[1]).toBe('/v1/models/nope/ab?window=1h&a=fp32&b=int8');
});

test('an edge that is not there is edge_unreachable, naming the endpoint', async () => {
  const port = await closedPort();
  await expect(new EdgeClient({ endpoint: `http://127.0.0.1:${port}` }).listModels()).rejects.toMatchObject({
    code: 'edge_unreachable',
    message: expect.stringContaining(`http://127.0.0.1:${port}`),
  });
});

test("downloads a variant's file with the token, checked against the hash and size it is told", async () => {
  const bytes = new Uint8Array([7, 7, 7, 1]);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const seen: Array<{ url?: string; auth?: string }> = [];
  // ?long sends one byte more than the manifest says; ?header announces another hash.
  server = await startServer((request, _body, response) => {
    seen.push({ url: request.url, auth: request.headers.authorization });
    const url = new URL(request.url!, 'http://x');
    if (url.pathname.endsWith('/variants/v1')) return json(response, 200, { model: 'spam', variant: 'v1', sha256, bytes: 4, status: 'healthy', manifest: { sha256 } });
    const sent = url.pathname.includes('/long/') ? new Uint8Array([...bytes, 0]) : url.pathname.includes('/flipped/') ? bytes.map((b, i) => (i ? b : b ^ 1)) : bytes;
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'x-pare-sha256': url.pathname.includes('/header/') ? 'f'.repeat(64) : sha256 }).end(Buffer.from(sent));
  });
  const client = new EdgeClient({ endpoint: server.url, token: 't0k' });
  const record = await client.variant('spam', 'v1');
  expect(record).toMatchObject({ sha256, bytes: 4, manifest: { sha256 } });
  expect(Array.from(await client.variantFile('spam', 'v1', 'model.onnx', record))).toEqual([7, 7, 7, 1]);
  expect(seen.map((s) => s.url)).toEqual(['/admin/models/spam/variants/v1', '/admin/models/spam/variants/v1/model.onnx']);
  expect(seen.every((s) => s.auth === 'Bearer t0k')).toBe(true);
  await expect(client.variantFile('spam', 'long', 'model.onnx', record)).rejects.toMatchObject({ code: 'size_mismatch', message: expect.stringContaining('more than the manifest') });
  await expect(client.variantFile('spam', 'flipped', 'model.onnx', record)).rejects.toMatchObject({ code: 'sha256_mismatch', message: expect.stringContaining('the bytes hash to') });
  await expect(client.variantFile('spam', 'header', 'tokenizer.json', record)).rejects.toMatchObject({ code: 'sha256_mismatch', message: expect.stringContaining('the edge sends bytes hashed') });
});
