import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startStandInEdge, type StandInEdge } from '../../test/standInEdge';
import { publishVariant } from './edgePublisher';

// The publisher, through @pare/clients' EdgeClient, against a stand-in for the edge's admin route that reads
// the body the way the edge does and answers with the edge's wire shape.

let edge: StandInEdge;
beforeAll(async () => {
  edge = await startStandInEdge('s3cret');
});
afterAll(() => edge.close());

test('PUTs the model bytes and a manifest whose sha256 and size match them', async () => {
  const bytes = new Uint8Array([8, 1, 2, 3, 4, 5]);
  const result = await publishVariant({ edge: edge.url, model: 'spam', variant: 'student', bytes, manifest: { task: 'text-classification', sha256: 'stale' }, weight: 10, token: 's3cret' });
  expect(result.status).toBe(201);
  const [request] = edge.received;
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
  await expect(publishVariant({ edge: edge.url, model: 'spam', variant: 's2', bytes: new Uint8Array([1]), manifest: {}, token: 'wrong' })).rejects.toMatchObject({
    code: 'publish_failed',
    message: expect.stringContaining('HTTP 403): The admin token is wrong.'),
  });
});

test('publishing without a token says which variable to set', async () => {
  const saved = process.env.PARE_TOKEN;
  delete process.env.PARE_TOKEN;
  try {
    await expect(publishVariant({ edge: edge.url, model: 'spam', variant: 's3', bytes: new Uint8Array([1]), manifest: {} })).rejects.toThrow(/PARE_TOKEN/);
  } finally {
    if (saved !== undefined) process.env.PARE_TOKEN = saved;
  }
});

test('an edge that is not there is publish_failed, naming its address', async () => {
  const down = await startStandInEdge('s3cret');
  await down.close();
  await expect(publishVariant({ edge: down.url, model: 'spam', variant: 's4', bytes: new Uint8Array([1]), manifest: {}, token: 's3cret' })).rejects.toMatchObject({
    code: 'publish_failed',
    message: expect.stringContaining(`Could not reach the edge at ${down.url} (`),
  });
});
