import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { DeployVariantResponse } from '@pare/clients/wire';

// A stand-in for the edge's admin route (apps/edge/src/routes/admin.ts) that reads the upload the same way:
// multipart `model` file, `manifest` JSON, optional `weight`, `Authorization: Bearer <token>`. The real edge
// runs in workerd with D1 and R2, which the origin's tests do not start.

export interface ReceivedVariant { path: string; bytes: Uint8Array; manifest: Record<string, unknown>; weight: string | null }

export interface StandInEdge {
  url: string;
  received: ReceivedVariant[];
  close(): Promise<void>;
}

export async function startStandInEdge(token: string): Promise<StandInEdge> {
  const received: ReceivedVariant[] = [];
  const app = new Hono();
  app.put('/admin/models/:model/variants/:variant', async (c) => {
    if (c.req.header('authorization') !== `Bearer ${token}`) return c.json({ error: { code: 'forbidden', message: 'The admin token is wrong.' } }, 403);
    const form = await c.req.formData();
    const file = form.get('model') as File;
    const manifest = JSON.parse(form.get('manifest') as string) as Record<string, unknown>;
    const bytes = new Uint8Array(await file.arrayBuffer());
    const created = !received.some((r) => r.path === c.req.path);
    received.push({ path: c.req.path, bytes, manifest, weight: form.get('weight') as string | null });
    // The edge's answer without a deployment: the stand-in keeps no traffic weights.
    const answer: DeployVariantResponse = { model: c.req.param('model'), variant: c.req.param('variant'), sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.byteLength, status: 'healthy', created };
    return c.json(answer, created ? 201 : 200);
  });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
