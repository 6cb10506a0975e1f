import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { VARIANT_SHA256_HEADER, type DeployVariantResponse, type VariantRecordResponse } from '@pare/clients/wire';

// A stand-in for the edge's admin routes (apps/edge/src/routes/variantUpload.ts, variantDownload.ts) that reads
// the upload the same way (multipart `model` file, `manifest` JSON, optional `weight` and `tokenizer`,
// `Authorization: Bearer <token>`) and hands stored variants back with the same paths, bodies and headers. The
// real edge runs in workerd with D1 and R2, which the origin's tests do not start.

export interface ReceivedVariant { path: string; bytes: Uint8Array; manifest: Record<string, unknown>; weight: string | null; tokenizer?: Uint8Array }

export interface StandInEdge {
  url: string;
  received: ReceivedVariant[];
  /** Paths of the file downloads it answered (…/model.onnx, …/tokenizer.json). */
  downloads: string[];
  /** Serve files with one byte changed (a corrupted store or a meddling proxy); headers still say the manifest's hash. */
  corrupt: boolean;
  close(): Promise<void>;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export async function startStandInEdge(token: string): Promise<StandInEdge> {
  const received: ReceivedVariant[] = [];
  const downloads: string[] = [];
  const edge: StandInEdge = { url: '', received, downloads, corrupt: false, close: async () => undefined };
  const app = new Hono();
  app.use('/admin/*', async (c, next) => {
    if (c.req.header('authorization') !== `Bearer ${token}`) return c.json({ error: { code: 'forbidden', message: 'The admin token is wrong.' } }, 403);
    await next();
  });
  app.put('/admin/models/:model/variants/:variant', async (c) => {
    const form = await c.req.formData();
    const file = form.get('model') as File;
    const manifest = JSON.parse(form.get('manifest') as string) as Record<string, unknown>;
    const bytes = new Uint8Array(await file.arrayBuffer());
    const tokenizerPart = form.get('tokenizer') as File | null;
    const created = !received.some((r) => r.path === c.req.path);
    received.push({ path: c.req.path, bytes, manifest, weight: form.get('weight') as string | null, ...(tokenizerPart ? { tokenizer: new Uint8Array(await tokenizerPart.arrayBuffer()) } : {}) });
    // The edge's answer without a deployment: the stand-in keeps no traffic weights.
    const answer: DeployVariantResponse = { model: c.req.param('model'), variant: c.req.param('variant'), sha256: sha256(bytes), bytes: bytes.byteLength, status: 'healthy', created };
    return c.json(answer, created ? 201 : 200);
  });
  const stored = (path: string) => received.find((r) => r.path === path);
  const notFound = { error: { code: 'variant_not_found', message: 'No such variant.' } };
  app.get('/admin/models/:model/variants/:variant', (c) => {
    const variant = stored(c.req.path);
    if (!variant) return c.json(notFound, 404);
    const record: VariantRecordResponse = {
      model: c.req.param('model'), variant: c.req.param('variant'), sha256: sha256(variant.bytes), bytes: variant.bytes.byteLength, status: 'healthy', manifest: variant.manifest,
      ...(variant.tokenizer ? { tokenizer: { sha256: sha256(variant.tokenizer), bytes: variant.tokenizer.byteLength } } : {}),
    };
    return c.json(record);
  });
  app.get('/admin/models/:model/variants/:variant/:file{model\\.onnx|tokenizer\\.json}', (c) => {
    const variant = stored(c.req.path.replace(/\/[^/]+$/, ''));
    const bytes = c.req.param('file') === 'model.onnx' ? variant?.bytes : variant?.tokenizer;
    if (!bytes) return c.json(notFound, 404);
    downloads.push(c.req.path);
    const sent = edge.corrupt ? bytes.map((b, i) => (i === bytes.length - 1 ? b ^ 1 : b)) : bytes;
    return c.body(sent as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/octet-stream', [VARIANT_SHA256_HEADER]: sha256(bytes) });
  });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  edge.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  edge.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return edge;
}
