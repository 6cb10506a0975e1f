import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { OriginClient, type JobEvent } from '@pare/clients';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createOrigin, type Origin } from '../origin';
import { TEST_TOKEN } from '../../test/originHarness';
import { sleepyRef } from '../../test/handlerRefs';
import { tinyFixture } from '../../test/tinyDataset';

// The job API driven through @pare/clients' OriginClient over real HTTP: the wire types the origin answers
// with are the ones the client checks (a mismatch would fail here as `origin_protocol`).

const fixture = tinyFixture(24);
let dataDir: string;
let origin: Origin;
let server: ServerType;
let client: OriginClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'pare-origin-client-'));
  origin = await createOrigin({ token: TEST_TOKEN, dataDir, dataRoots: [fixture.dir, process.cwd()], cancelPollMs: 50, eventsPollMs: 50, handlers: { compress: sleepyRef(600, 6) } });
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: origin.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  client = new OriginClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { token: TEST_TOKEN });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await origin.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(fixture.dir, { recursive: true, force: true });
});

test('submits a batch-infer job, follows its events to the end and downloads its predictions', async () => {
  const job = await client.submit({ type: 'batch-infer', model: fixture.model, data: fixture.data, batchSize: 8 });
  expect(job).toMatchObject({ type: 'batch-infer', state: 'queued', spec: { batchSize: 8, executionProvider: 'cpu', seed: 1 } });
  const events: JobEvent[] = [];
  const settled = await client.follow(job.id, (event) => events.push(event));
  expect(settled.state).toBe('succeeded');
  expect(events.at(-1)).toMatchObject({ event: 'end', data: { id: job.id, state: 'succeeded' } });
  expect(events.some((e) => e.event === 'progress')).toBe(true);

  const full = await client.get(job.id);
  expect(full.logs.length).toBeGreaterThan(0);
  const predictions = full.artifacts.find((a) => a.name === 'predictions.jsonl')!;
  const bytes = await client.artifact(job.id, predictions.name);
  expect(bytes.byteLength).toBe(predictions.bytes);
  expect(new TextDecoder().decode(bytes).trim().split('\n')).toHaveLength(24);

  const listed = await client.list({ type: 'batch-infer', state: 'succeeded', limit: 5 });
  expect(listed.map((j) => j.id)).toContain(job.id);
});

test('cancels a running job; following it ends with the cancelled job', async () => {
  const job = await client.submit({ type: 'compress', model: 'm.onnx' });
  const followed = client.follow(job.id, () => {});
  const deadline = Date.now() + 10_000;
  while ((await client.get(job.id)).state !== 'running' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 30));
  const cancelling = await client.cancel(job.id);
  expect(cancelling.cancelRequested || cancelling.state === 'cancelled').toBe(true);
  expect((await followed).state).toBe('cancelled');
});

test("the origin's refusals come back as PareError with its code, message and status", async () => {
  await expect(client.submit({ type: 'evaluate', model: 'm.onnx', data: 'd.jsonl', bachSize: 3 } as never)).rejects.toMatchObject({
    code: 'job_spec_invalid',
    status: 400,
    message: expect.stringContaining('bachSize'),
  });
  await expect(client.get('no-such-job')).rejects.toMatchObject({ status: 404 });
  await expect(client.list({ state: 'done' })).rejects.toMatchObject({ code: 'query_invalid', status: 400 });
});

test('an origin that is not there is origin_unreachable, naming the address', async () => {
  const closed = await new Promise<number>((resolve) => {
    const s = serve({ fetch: () => new Response(), port: 0, hostname: '127.0.0.1' }, () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
  await expect(new OriginClient(`http://127.0.0.1:${closed}`).list()).rejects.toMatchObject({
    code: 'origin_unreachable',
    message: expect.stringContaining(`127.0.0.1:${closed}`),
  });
});
