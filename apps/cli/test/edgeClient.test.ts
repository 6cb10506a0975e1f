// @pare/clients' EdgeClient against a real edge worker (Miniflare/workerd with local D1, R2 and the metrics
// queue): every admin and read call, each answer checked by the client against the wire schemas the edge
// builds its answers with.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EdgeClient } from '@pare/clients';
import { buildUpload, freePort, LocalWorker, repoRoot } from '../../../infra/localEdgeWorker';
import { findCommittedVariants, type CommittedVariant } from '../../../infra/models/committedVariants';

const TOKEN = 'client-test-token-0123456789abcdef';
let worker: LocalWorker;
let dir: string;
let client: EdgeClient;
let variants: Map<string, CommittedVariant>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pare-edge-client-'));
  const bundle = path.join(dir, 'bundle');
  fs.mkdirSync(bundle);
  buildUpload(bundle);
  worker = new LocalWorker(await freePort(), path.join(dir, 'state'), TOKEN, bundle);
  await worker.applyMigrations();
  await worker.start();
  client = new EdgeClient({ endpoint: worker.url, token: TOKEN });
  variants = new Map(findCommittedVariants(path.join(repoRoot, 'infra/models')).filter((v) => v.model === 'spam').map((v) => [v.variant, v]));
});

afterAll(async () => {
  await worker?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const upload = (variant: string, weight?: number) => {
  const v = variants.get(variant)!;
  return client.deployVariant({ model: 'spam', variant, bytes: v.bytes, manifest: v.manifest, weight });
};

it('deploys, splits, promotes, rolls back, deletes, and reads models, stats and the A/B report', async () => {
  const first = await upload('student');
  expect(first).toMatchObject({ model: 'spam', variant: 'student', created: true, deployment: { weights: { student: 100 } } });
  expect((await upload('student')).created).toBe(false);
  expect((await upload('student-int8', 30)).deployment?.weights).toEqual({ student: 70, 'student-int8': 30 });
  const kept = await upload('student-p50-int8');
  expect(kept.deployment?.weights).toEqual({ student: 70, 'student-int8': 30 });

  expect((await client.setTraffic('spam', { student: 50, 'student-int8': 50 })).deployment.weights).toEqual({ student: 50, 'student-int8': 50 });
  expect((await client.promote('spam', 'student-int8')).deployment.weights).toEqual({ 'student-int8': 100 });
  const rolled = await client.rollback('spam');
  expect(rolled.deployment.weights).toEqual({ student: 50, 'student-int8': 50 });
  expect(rolled.rolledBack.weights).toEqual({ 'student-int8': 100 });

  expect(await client.deleteVariant('spam', 'student-p50-int8')).toEqual({ deleted: { model: 'spam', variant: 'student-p50-int8' } });
  const { models } = await client.listModels();
  expect(models.find((m) => m.name === 'spam')!.variants.map((v) => [v.name, v.weight, v.status])).toEqual([
    ['student', 50, 'healthy'],
    ['student-int8', 50, 'healthy'],
  ]);

  const stats = await client.stats('spam', '15m');
  expect(stats.variants.map((v) => [v.variant, v.count])).toEqual([
    ['student', 0],
    ['student-int8', 0],
  ]);
  const ab = await client.ab('spam', { window: '1h', a: 'student', b: 'student-int8' });
  expect(ab.pair).toEqual({ a: 'student', b: 'student-int8', chosen: 'given' });
  // Fields the client's schema does not name come through as the edge sent them.
  expect(ab).toHaveProperty('latencySource', 'isolate');
});

it("returns the edge's refusals as PareError with its code and status", async () => {
  await expect(client.setTraffic('spam', { student: 50, 'student-int8': 40 })).rejects.toMatchObject({ code: 'weights_invalid', status: 400, message: expect.stringContaining('sum to 90') });
  await expect(client.deleteVariant('spam', 'student')).rejects.toMatchObject({ code: 'variant_has_traffic', status: 409 });
  await expect(new EdgeClient({ endpoint: worker.url, token: 'nope' }).promote('spam', 'student')).rejects.toMatchObject({ status: 403, message: 'The admin token is wrong.' });
  await expect(client.stats('nope', '1h')).rejects.toMatchObject({ status: 404, message: expect.stringContaining('Unknown model "nope"') });
});
