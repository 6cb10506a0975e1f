import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import { RedisJobStore } from '../backends/bullmq/redisJobStore';
import { SqliteJobStore } from '../backends/sqlite/sqliteJobStore';
import { createOrigin, type OriginConfig } from '../origin';
import { blockingRef, publishingRef } from '../../test/handlerRefs';
import { startStandInEdge } from '../../test/standInEdge';
import { inProcess, submit, TEST_TOKEN, waitForJob } from '../../test/originHarness';
import { deleteKeys, redisForTests, REDIS_MISSING_MESSAGE } from '../../test/redisForTests';
import type { JobRecord } from './jobRecord';
import type { JobStore } from './jobStore';

// Fencing: one attempt owns a job at a time. On both stores a write fenced by an attempt that no longer owns
// the job is refused; and an origin whose attempt finds another one owning its job stops it and writes nothing
// under the job's name (no record change, no log line, no artifact, no publish), counting it as fenced.

const redis = await redisForTests();
if (!redis && process.env.CI) throw new Error(REDIS_MISSING_MESSAGE);
if (!redis) console.warn(REDIS_MISSING_MESSAGE);

interface StoreUnderTest { name: string; config(): Partial<OriginConfig>; open(config: Partial<OriginConfig>, dataDir: string): JobStore }

const stores: StoreUnderTest[] = [{ name: 'sqlite', config: () => ({}), open: (_config, dataDir) => new SqliteJobStore(join(dataDir, 'jobs.sqlite')) }];
if (redis) {
  stores.push({ name: 'redis', config: () => ({ redisUrl: redis.url, redisPrefix: `pare-test-${randomUUID().slice(0, 8)}`, lockDurationMs: 2000 }), open: (config) => new RedisJobStore(config.redisUrl!, config.redisPrefix!) });
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  await redis?.stop();
});

function record(id: string): JobRecord {
  const now = new Date().toISOString();
  return {
    id, type: 'compress', spec: { type: 'compress', model: 'm' } as JobRecord['spec'], state: 'queued', progress: 0, message: null, metrics: {}, artifacts: [], error: null,
    attempts: 0, maxAttempts: 2, cancelRequested: false, workerId: null, attemptId: null, stalls: 0, createdAt: now, updatedAt: now, startedAt: null, finishedAt: null,
  };
}

const line = (message: string) => ({ at: new Date().toISOString(), level: 'info' as const, message });

describe.each(stores)('fencing on $name', (backend) => {
  test('a write fenced by a stale attempt is refused; the owner writes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pare-fence-'));
    dirs.push(dataDir);
    const config = backend.config();
    const store = backend.open(config, dataDir);
    try {
      await store.insert(record('job_fence'));
      expect(await store.update('job_fence', { state: 'running', attemptId: 'att_a' }, { states: ['queued'], attemptId: null })).toBeDefined();
      // A takeover: attempt b claims the running job from a.
      expect(await store.update('job_fence', { attemptId: 'att_b' }, { states: ['running'], attemptId: 'att_a' })).toBeDefined();
      expect(await store.update('job_fence', { state: 'succeeded' }, { states: ['running'], attemptId: 'att_a' }, line('from a'))).toBeUndefined();
      expect(await store.appendLog('job_fence', line('also from a'), 'att_a')).toBe(false);
      expect(await store.appendLog('job_fence', line('from b'), 'att_b')).toBe(true);
      expect(await store.update('job_fence', { state: 'succeeded' }, { states: ['running'], attemptId: 'att_b' }, line('b settled'))).toMatchObject({ state: 'succeeded', attemptId: 'att_b' });
      const job = await store.get('job_fence');
      expect(job!.logs.map((l) => l.message)).toEqual(['from b', 'b settled']);
    } finally {
      await store.close();
      if (config.redisUrl) await deleteKeys(config.redisUrl, config.redisPrefix!);
    }
  });

  test('an attempt that finds its job owned by another attempt is stopped, and nothing of it lands', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pare-fence-origin-'));
    dirs.push(dataDir);
    const config: OriginConfig = { token: TEST_TOKEN, dataDir, cancelPollMs: 50, ...backend.config(), handlers: { compress: blockingRef(3000) } };
    const origin = await createOrigin(config);
    const intruder = backend.open(config, dataDir);
    try {
      const api = inProcess(origin.app);
      const job = await submit(api, { type: 'compress', model: 'm' });
      const running = await waitForJob(api, job.id, (j) => j.state === 'running' && j.progress > 0);
      // Another worker takes the job over (as after a stall) while the first attempt still computes.
      await intruder.update(job.id, { attemptId: 'att_intruder', workerId: 'elsewhere' }, { states: ['running'], attemptId: running.attemptId! });
      const deadline = Date.now() + 60_000;
      while (origin.service.counters.get('attempts_fenced_total') === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(origin.service.counters.get('attempts_fenced_total')).toBe(1);
      const after = await intruder.get(job.id);
      expect(after).toMatchObject({ state: 'running', attemptId: 'att_intruder', workerId: 'elsewhere', artifacts: [] });
      expect(after!.logs.some((l) => l.message === 'Succeeded.' || /Blocked for/.test(l.message))).toBe(false);
      const artifactsDir = join(dataDir, 'artifacts', job.id);
      expect(existsSync(artifactsDir) ? readdirSync(artifactsDir, { recursive: true }) : []).toEqual([]);
    } finally {
      await intruder.close();
      await origin.close();
      if (config.redisUrl) await deleteKeys(config.redisUrl, config.redisPrefix!);
    }
  });
});

test('an attempt that lost its job publishes nothing; the owning attempt publishes', async () => {
  const edge = await startStandInEdge('edge-token');
  const dataDir = mkdtempSync(join(tmpdir(), 'pare-fence-publish-'));
  dirs.push(dataDir);
  // The record is re-read rarely here, so the publish check itself is what stops the stale attempt.
  const origin = await createOrigin({ token: TEST_TOKEN, dataDir, cancelPollMs: 60_000, handlers: { compress: publishingRef(edge.url, 'edge-token', 2000) } });
  const intruder = new SqliteJobStore(join(dataDir, 'jobs.sqlite'));
  try {
    const api = inProcess(origin.app);
    const stale = await submit(api, { type: 'compress', model: 'm' });
    const running = await waitForJob(api, stale.id, (j) => j.state === 'running' && j.progress > 0);
    await intruder.update(stale.id, { attemptId: 'att_intruder', workerId: 'elsewhere' }, { states: ['running'], attemptId: running.attemptId! });
    const deadline = Date.now() + 60_000;
    while (origin.service.counters.get('attempts_fenced_total') === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(origin.service.counters.get('attempts_fenced_total')).toBe(1);
    expect(edge.received).toEqual([]);
    expect(await intruder.get(stale.id)).toMatchObject({ state: 'running', attemptId: 'att_intruder' });

    const owned = await submit(api, { type: 'compress', model: 'm' });
    const done = await waitForJob(api, owned.id, (j) => ['succeeded', 'failed', 'cancelled'].includes(j.state));
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    expect(edge.received.map((r) => r.path)).toEqual([`/admin/models/spam/variants/from-${owned.id}`]);
  } finally {
    await intruder.close();
    await origin.close();
    await edge.close();
  }
});
