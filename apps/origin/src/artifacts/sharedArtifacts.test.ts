import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { OriginClient } from '@pare/clients';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createOrigin, type OriginConfig } from '../origin';
import { inProcess, readJson, serveApp, settled, TEST_TOKEN, waitForJob } from '../../test/originHarness';
import { deleteKeys, redisForTests, REDIS_MISSING_MESSAGE } from '../../test/redisForTests';
import { tinyFixture } from '../../test/tinyDataset';
import { S3ArtifactStore, type S3ArtifactOptions } from './s3ArtifactStore';

// Artifacts in an S3-compatible bucket, against a real S3-protocol server (s3rver) on loopback: the store
// round-trips bytes, and an API-only origin serves the artifacts of a job that a worker on another machine
// (another data dir) ran, through the same client `pare job --download` uses.

const redis = await redisForTests();
if (!redis && process.env.CI) throw new Error(REDIS_MISSING_MESSAGE);
if (!redis) console.warn(REDIS_MISSING_MESSAGE);

const BUCKET = 'pare-artifacts';
const s3Dir = mkdtempSync(join(tmpdir(), 'pare-s3-'));
const fixture = tinyFixture(24, 6);
let s3: S3rver;
let bucket: S3ArtifactOptions;

beforeAll(async () => {
  s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3Dir, configureBuckets: [{ name: BUCKET, configs: [] }] });
  const address = (await s3.run()) as AddressInfo;
  // s3rver checks SigV4 signatures made with its fixed development key.
  bucket = { endpoint: `http://127.0.0.1:${address.port}`, bucket: BUCKET, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1', prefix: `test-${randomUUID().slice(0, 8)}/` };
});

afterAll(async () => {
  await s3?.close();
  await redis?.stop();
  rmSync(s3Dir, { recursive: true, force: true });
  rmSync(fixture.dir, { recursive: true, force: true });
});

test('the S3 store puts, gets and deletes bytes, and answers undefined for a missing key', async () => {
  const store = new S3ArtifactStore(bucket);
  const file = join(fixture.dir, 'blob.bin');
  const bytes = new Uint8Array(70_000).map((_, i) => (i * 31) % 251);
  writeFileSync(file, bytes);
  await store.put('job_x/att_y/blob.bin', file);
  const got = await store.get('job_x/att_y/blob.bin');
  expect(got?.bytes).toBe(bytes.byteLength);
  expect(new Uint8Array(await new Response(got!.body).arrayBuffer())).toEqual(bytes);
  await store.delete(['job_x/att_y/blob.bin', 'job_x/att_y/never-written']);
  expect(await store.get('job_x/att_y/blob.bin')).toBeUndefined();
});

describe.runIf(redis)('an API-only origin and a worker on other machines', () => {
  test("serve every artifact from the shared bucket; with local folders the API says where to look", async () => {
    const prefix = `pare-test-${randomUUID().slice(0, 8)}`;
    const apiDir = mkdtempSync(join(tmpdir(), 'pare-origin-api-'));
    const workerDir = mkdtempSync(join(tmpdir(), 'pare-origin-worker-'));
    const shared: Omit<OriginConfig, 'dataDir'> = { token: TEST_TOKEN, redisUrl: redis!.url, redisPrefix: prefix, dataRoots: [fixture.dir], artifactsS3: bucket };
    const api = await createOrigin({ ...shared, dataDir: apiDir, worker: false });
    const worker = await createOrigin({ ...shared, dataDir: workerDir });
    // A second API origin without the bucket: it cannot reach the worker's files and says so.
    const folderOnly = await createOrigin({ ...shared, artifactsS3: undefined, dataDir: apiDir, worker: false });
    const served = await serveApp(api.app);
    try {
      const client = new OriginClient(served.url, { token: TEST_TOKEN });
      const job = await client.submit({ type: 'batch-infer', model: fixture.model, data: fixture.data, batchSize: 8 });
      const done = await waitForJob(inProcess(api.app), job.id, settled);
      expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
      expect(done.workerId).toBe(worker.service.workerId);
      const predictions = done.artifacts.find((a) => a.name === 'predictions.jsonl')!;
      const bytes = await client.artifact(job.id, predictions.name);
      expect(bytes.byteLength).toBe(predictions.bytes);
      expect(new TextDecoder().decode(bytes).trim().split('\n')).toHaveLength(24);

      const elsewhere = await inProcess(folderOnly.app)(`/jobs/${job.id}/artifacts/predictions.jsonl`);
      expect(elsewhere.status).toBe(404);
      const body = await readJson(elsewhere);
      expect(body.error.code).toBe('artifact_elsewhere');
      expect(body.error.message).toContain('PARE_ARTIFACTS_S3_ENDPOINT');
    } finally {
      await served.close();
      await Promise.all([api.close(), worker.close(), folderOnly.close()]);
      await deleteKeys(redis!.url, prefix);
      rmSync(apiDir, { recursive: true, force: true });
      rmSync(workerDir, { recursive: true, force: true });
    }
  });
});
