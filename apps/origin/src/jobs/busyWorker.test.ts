import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import type { OriginConfig } from '../origin';
import { blockingRef } from '../../test/handlerRefs';
import { getJob, settled, startOriginProcess, submit, waitForJob, TEST_TOKEN, type OriginProcess } from '../../test/originHarness';
import { deleteKeys, redisForTests, REDIS_MISSING_MESSAGE } from '../../test/redisForTests';

// Two real worker processes on one Redis with a short BullMQ lock, and a handler that holds its thread far
// longer than the lock without awaiting (as distillation's synchronous phases do). The attempt runs in a child
// process, so its worker keeps renewing the lock and answering: the job is neither taken over nor run twice.
// A worker killed with -9 is really dead, and then the other one takes its job over.

const redis = await redisForTests();
if (!redis && process.env.CI) throw new Error(REDIS_MISSING_MESSAGE);
if (!redis) console.warn(REDIS_MISSING_MESSAGE);

const LOCK_MS = 1000;
const started: OriginProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];

afterAll(async () => {
  await Promise.all(started.map((o) => o.kill('SIGKILL')));
  for (const cleanup of cleanups) await cleanup();
  await redis?.stop();
});

async function twoWorkers(blockMs: number): Promise<[OriginProcess, OriginProcess]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pare-origin-busy-'));
  const config: OriginConfig = { token: TEST_TOKEN, dataDir, redisUrl: redis!.url, redisPrefix: `pare-test-${randomUUID().slice(0, 8)}`, lockDurationMs: LOCK_MS, cancelPollMs: 100, handlers: { compress: blockingRef(blockMs) } };
  cleanups.push(async () => {
    await deleteKeys(config.redisUrl!, config.redisPrefix!);
    rmSync(dataDir, { recursive: true, force: true });
  });
  const pair = await Promise.all([startOriginProcess(config), startOriginProcess(config)]);
  started.push(...pair);
  return pair;
}

const runnerOf = (origins: OriginProcess[], workerId: string | null): OriginProcess => {
  const found = origins.find((o) => workerId?.startsWith(`${o.child.pid}-`));
  if (!found) throw new Error(`no origin process runs worker ${workerId}`);
  return found;
};

describe.runIf(redis)('a worker whose job blocks its thread', () => {
  test('keeps its lock past the lock duration: the job runs once, and /healthz answers meanwhile', async () => {
    const origins = await twoWorkers(6 * LOCK_MS);
    const job = await submit(origins[0].fetcher, { type: 'compress', model: 'm' });
    const running = await waitForJob(origins[0].fetcher, job.id, (j) => j.state === 'running' && j.progress > 0);
    const busy = runnerOf(origins, running.workerId);

    const health = await fetch(`${busy.url}/healthz`);
    expect(health.status).toBe(200);
    // The answer came while the handler still held its thread.
    expect((await getJob(origins[0].fetcher, job.id)).state).toBe('running');

    const done = await waitForJob(origins[1].fetcher, job.id, settled);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    expect(done).toMatchObject({ attempts: 1, stalls: 0, workerId: running.workerId, attemptId: running.attemptId });
    expect(done.logs.filter((l) => l.message.startsWith('Started on worker'))).toHaveLength(1);
    expect(done.logs.filter((l) => l.message === 'Succeeded.')).toHaveLength(1);
    expect(done.logs.some((l) => l.level === 'warn')).toBe(false);
    // The handler ran in a child process of the worker, not in the worker itself.
    expect(done.metrics.pid).not.toBe(busy.child.pid);
  }, 180_000);

  test("a worker killed with -9 is taken over by the other, and its job finishes once", async () => {
    const origins = await twoWorkers(4 * LOCK_MS);
    const job = await submit(origins[0].fetcher, { type: 'compress', model: 'm' });
    const running = await waitForJob(origins[0].fetcher, job.id, (j) => j.state === 'running' && j.progress > 0);
    const victim = runnerOf(origins, running.workerId);
    const survivor = origins.find((o) => o !== victim)!;
    await victim.kill('SIGKILL');

    const done = await waitForJob(survivor.fetcher, job.id, settled);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    expect(done).toMatchObject({ attempts: 2, stalls: 1 });
    expect(done.workerId?.startsWith(`${survivor.child.pid}-`)).toBe(true);
    expect(done.attemptId).not.toBe(running.attemptId);
    expect(done.logs.some((l) => l.level === 'warn' && /takes the job over/.test(l.message))).toBe(true);
    expect(done.logs.filter((l) => l.message === 'Succeeded.')).toHaveLength(1);
    const artifact = await survivor.fetcher(`/jobs/${job.id}/artifacts/ran-by.txt`);
    expect(artifact.status).toBe(200);
    const metrics = await (await survivor.fetcher('/metrics')).text();
    expect(metrics).toContain('pare_origin_attempts_stalled_total 1');
  }, 180_000);
});
