import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { publishVariant } from './edgePublisher';

// The publisher against a stand-in for the edge's admin route that reads the body the way
// apps/edge/src/routes/admin.ts does (multipart `model` file, `manifest` JSON, optional `weight`). The
// real edge runs in workerd with D1/R2, which these origin tests do not start.

interface Received { path: string; auth: string | undefined; bytes: Uint8Array; manifest: Record<string, unknown>; weight: string | null }
const received: Received[] = [];
let server: ServerType;
let edge: string;

beforeAll(async () => {
  const app = new Hono();
  app.put('/admin/models/:model/variants/:variant', async (c) => {
    if (c.req.header('authorization') !== 'Bearer s3cret') return c.json({ error: { code: 'forbidden', message: 'The admin token is wrong.' } }, 403);
    const form = await c.req.formData();
    const file = form.get('model') as File;
    const manifest = JSON.parse(form.get('manifest') as string) as Record<string, unknown>;
    received.push({ path: c.req.path, auth: c.req.header('authorization'), bytes: new Uint8Array(await file.arrayBuffer()), manifest, weight: form.get('weight') as string | null });
    return c.json({ model: c.req.param('model'), variant: c.req.param('variant'), created: true }, 201);
  });
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
  });
  edge = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('PUTs the model bytes and a manifest whose sha256 and size match them', async () => {
  const bytes = new Uint8Array([8, 1, 2, 3, 4, 5]);
  const result = await publishVariant({ edge, model: 'spam', variant: 'student', bytes, manifest: { task: 'text-classification', sha256: 'stale' }, weight: 10, token: 's3cret' });
  expect(result.status).toBe(201);
  const [request] = received;
  expect(request!.path).toBe('/admin/models/spam/variants/student');
  expect(Array.from(request!.bytes)).toEqual(Array.from(bytes));
  expect(request!.manifest).toMatchObject({
    model: 'spam',
    variant: 'student',
    task: 'text-classification',
    bytes: 6,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  });
  expect(request!.weight).toBe('10');
});

test("the edge's refusal becomes a PareError carrying the edge's message", async () => {
  await expect(publishVariant({ edge, model: 'spam', variant: 's2', bytes: new Uint8Array([1]), manifest: {}, token: 'wrong' })).rejects.toMatchObject({
    code: 'publish_failed',
    message: expect.stringContaining('HTTP 403): The admin token is wrong.'),
  });
});

test('publishing without a token says which variable to set', async () => {
  const saved = process.env.PARE_TOKEN;
  delete process.env.PARE_TOKEN;
  try {
    await expect(publishVariant({ edge, model: 'spam', variant: 's3', bytes: new Uint8Array([1]), manifest: {} })).rejects.toThrow(/PARE_TOKEN/);
  } finally {
    if (saved !== undefined) process.env.PARE_TOKEN = saved;
  }
});
