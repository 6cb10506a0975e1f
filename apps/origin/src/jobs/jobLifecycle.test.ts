import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createOrigin, type Origin, type OriginConfig } from '../origin';
import { deleteKeys, redisForTests, REDIS_MISSING_MESSAGE } from '../../test/redisForTests';
import { inProcess, readJson, settled, startOriginProcess, submit, waitForJob, getJob, TEST_TOKEN, type Fetcher } from '../../test/originHarness';
import { sleepyRef } from '../../test/handlerRefs';
import { tinyFixture } from '../../test/tinyDataset';

// The job lifecycle, run the same way against both backends: success, failure, cancel (queued and
// running), restart after a kill, and bad specs. Real SQLite, real Redis + BullMQ, real onnxruntime-node.

const redis = await redisForTests();
// CI must run the BullMQ backend: there a missing Redis fails the suite instead of skipping it.
if (!redis && process.env.CI) throw new Error(REDIS_MISSING_MESSAGE);
if (!redis) console.warn(REDIS_MISSING_MESSAGE);
const fixture = tinyFixture(40, 10);

interface BackendUnderTest { name: string; config(dataDir: string): Partial<OriginConfig> }

const backends: BackendUnderTest[] = [{ name: 'sqlite', config: () => ({}) }];
if (redis) {
  // A short BullMQ lock so a killed worker's job is found again within seconds (the production default is 30 s).
  backends.push({ name: 'bullmq', config: () => ({ redisUrl: redis.url, redisPrefix: `pare-test-${randomUUID().slice(0, 8)}`, lockDurationMs: 2000 }) });
}

describe.runIf(redis)('several origin workers on one Redis', () => {
  test('share the queue: jobs submitted to one origin run on both', async () => {
    const config: OriginConfig = { token: TEST_TOKEN, dataDir: mkdtempSync(join(tmpdir(), 'pare-origin-pair-')), redisUrl: redis!.url, redisPrefix: `pare-test-${randomUUID().slice(0, 8)}` };
    const a = await createOrigin({ ...config, handlers: { compress: sleepyRef(400, 4) } });
    const b = await createOrigin({ ...config, worker: true, handlers: { compress: sleepyRef(400, 4) } });
    try {
      const api = inProcess(a.app);
      const jobs = await Promise.all([1, 2, 3, 4].map(() => submit(api, { type: 'compress', model: 'm' })));
      const done = await Promise.all(jobs.map((j) => waitForJob(api, j.id, settled)));
      expect(done.every((j) => j.state === 'succeeded')).toBe(true);
      expect(new Set(done.map((j) => j.workerId))).toEqual(new Set([a.service.workerId, b.service.workerId]));
    } finally {
      await Promise.all([a.close(), b.close()]);
      await deleteKeys(config.redisUrl!, config.redisPrefix!);
      rmSync(config.dataDir, { recursive: true, force: true });
    }
  });
});

afterAll(async () => {
  await redis?.stop();
  rmSync(fixture.dir, { recursive: true, force: true });
});

describe.each(backends)('job lifecycle on $name', (backend) => {
  let dataDir: string;
  let config: OriginConfig;
  let origin: Origin;
  let api: Fetcher;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), `pare-origin-${backend.name}-`));
    config = { token: TEST_TOKEN, dataDir, dataRoots: [dataDir, fixture.dir, process.cwd()], cancelPollMs: 50, eventsPollMs: 50, ...backend.config(dataDir) };
    origin = await createOrigin({ ...config, handlers: { compress: sleepyRef(1500) } });
    api = inProcess(origin.app);
  });

  afterAll(async () => {
    await origin.close();
    if (config.redisUrl && config.redisPrefix) await deleteKeys(config.redisUrl, config.redisPrefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('an evaluate job runs onnxruntime-node and succeeds with accuracy, confusion and throughput', async () => {
    const job = await submit(api, { type: 'evaluate', model: fixture.model, data: fixture.data, batchSize: 8 });
    expect(job.state).toBe('queued');
    const done = await waitForJob(api, job.id, settled);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.progress).toBe(1);
    expect(done.attempts).toBe(1);
    // Every 10th label was flipped: 4 of 40 wrong.
    expect(done.metrics.accuracy).toBeCloseTo(0.9, 10);
    expect(done.metrics.items).toBe(40);
    expect(done.metrics.batches).toBe(5);
    expect(done.metrics.itemsPerSecond).toBeGreaterThan(0);
    expect((done.metrics.confusion as number[][]).flat().reduce((a, b) => a + b, 0)).toBe(40);
    expect(done.artifacts.map((a) => a.name)).toEqual(['evaluation.json']);
    const artifact = await api(`/jobs/${job.id}/artifacts/evaluation.json`);
    expect(artifact.status).toBe(200);
    expect(JSON.parse(await artifact.text()).accuracy).toBeCloseTo(0.9, 10);
  });

  test('the events stream reports progress and ends with the settled job', async () => {
    const job = await submit(api, { type: 'compress', model: 'ignored-by-the-sleepy-handler' });
    const response = await api(`/jobs/${job.id}/events`);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((m) => ({ event: m[1], data: JSON.parse(m[2]!) }));
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data.progress as number);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    // Every log line exactly once, in order.
    const logged = events.filter((e) => e.event === 'log').map((e) => e.data.message as string);
    expect(logged).toEqual((await getJob(api, job.id)).logs.map((l) => l.message));
    expect(events.at(-1)).toMatchObject({ event: 'end', data: { id: job.id, state: 'succeeded', progress: 1 } });
  });

  test('a job whose model is missing fails with a message naming the model', async () => {
    const job = await submit(api, { type: 'batch-infer', model: join(fixture.dir, 'nope.onnx'), data: fixture.data });
    const done = await waitForJob(api, job.id, settled);
    expect(done.state).toBe('failed');
    expect(done.error).toMatchObject({ code: 'input_not_found' });
    expect(done.error!.message).toContain('nope.onnx');
    expect(done.logs.at(-1)!.level).toBe('error');
  });

  test('cancel stops a running job and cancels a queued one at once', async () => {
    const running = await submit(api, { type: 'compress', model: 'a' });
    const queued = await submit(api, { type: 'compress', model: 'b' });
    await waitForJob(api, running.id, (j) => j.state === 'running' && j.progress > 0);

    const cancelQueued = await api(`/jobs/${queued.id}/cancel`, { method: 'POST' });
    expect(cancelQueued.status).toBe(200);
    expect((await readJson(cancelQueued)).state).toBe('cancelled');

    const cancelRunning = await api(`/jobs/${running.id}/cancel`, { method: 'POST' });
    expect((await readJson(cancelRunning)).cancelRequested).toBe(true);
    const stopped = await waitForJob(api, running.id, settled, 5000);
    expect(stopped.state).toBe('cancelled');
    expect(stopped.progress).toBeLessThan(1);

    const again = await api(`/jobs/${running.id}/cancel`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect((await readJson(again)).error.code).toBe('job_finished');
    // The queued job never ran, even after its turn came.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await getJob(api, queued.id)).attempts).toBe(0);
  });

  test('GET /jobs lists newest first and filters by state', async () => {
    const all = (await readJson(await api('/jobs?limit=100'))).jobs as Array<{ id: string; createdAt: string; state: string }>;
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(all.map((j) => j.createdAt)).toEqual([...all.map((j) => j.createdAt)].sort().reverse());
    const cancelled = (await readJson(await api('/jobs?state=cancelled'))).jobs as Array<{ state: string }>;
    expect(cancelled.length).toBe(2);
    expect(cancelled.every((j) => j.state === 'cancelled')).toBe(true);
    expect((await api('/jobs?state=done')).status).toBe(400);
  });

  test('bad job specs get 400 naming the field at fault', async () => {
    const cases: Array<[unknown, string]> = [
      [{ type: 'train', model: 'm' }, 'type'],
      [{ type: 'evaluate', data: fixture.data }, 'model'],
      [{ type: 'batch-infer', model: 'm', data: 'd', batchSize: 0 }, 'batchSize'],
      [{ type: 'batch-infer', model: 'm', data: 'd', executionProvider: 'tpu' }, 'executionProvider'],
      [{ type: 'evaluate', model: 'm', data: 'd', bachSize: 8 }, 'bachSize'],
      [{ type: 'distill', teacher: 't', alpha: 2 }, 'alpha'],
      [{ type: 'distill', teacher: 't', publish: { edge: 'not a url', model: 'spam', variant: 's' } }, 'publish.edge'],
      [{ type: 'compress', model: 'm', options: { sparsity: 2 } }, 'options'],
      [{ type: 'distill', variants: [{ variant: 'int8', options: { quantize: 'int8-static' } }] }, 'variants.0.options.quantize'],
      [[1, 2], '(body)'],
    ];
    for (const [spec, field] of cases) {
      const response = await api('/jobs', { method: 'POST', body: JSON.stringify(spec), headers: { 'content-type': 'application/json' } });
      expect(response.status, JSON.stringify(spec)).toBe(400);
      const body = await readJson(response);
      expect(body.error.code).toBe('job_spec_invalid');
      expect(body.error.details.field, JSON.stringify(body)).toBe(field);
      expect(body.error.message).toContain(field);
    }
    const notJson = await api('/jobs', { method: 'POST', body: '{"type":', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect((await readJson(notJson)).error.code).toBe('input_invalid');
    const missing = await api('/jobs/job_nope');
    expect(missing.status).toBe(404);
    expect((await readJson(missing)).error.code).toBe('job_not_found');
  });

  test('a stopped origin (SIGTERM) puts its running job back on the queue without spending an attempt', async () => {
    const restartDir = mkdtempSync(join(tmpdir(), `pare-origin-stop-${backend.name}-`));
    const childConfig = { token: TEST_TOKEN, dataDir: restartDir, cancelPollMs: 50, ...backend.config(restartDir), sleepMs: 1500 };
    const first = await startOriginProcess(childConfig);
    let second: Awaited<ReturnType<typeof startOriginProcess>> | undefined;
    try {
      const job = await submit(first.fetcher, { type: 'compress', model: 'a' });
      await waitForJob(first.fetcher, job.id, (j) => j.state === 'running' && j.progress > 0);
      await first.kill('SIGTERM');
      second = await startOriginProcess(childConfig);
      const done = await waitForJob(second.fetcher, job.id, settled);
      expect(done.state).toBe('succeeded');
      expect(done.attempts).toBe(1);
      expect(done.logs.some((l) => /shut down while this job ran/.test(l.message))).toBe(true);
    } finally {
      await first.kill('SIGKILL');
      await second?.kill('SIGTERM');
      if (childConfig.redisUrl && childConfig.redisPrefix) await deleteKeys(childConfig.redisUrl, childConfig.redisPrefix);
      rmSync(restartDir, { recursive: true, force: true });
    }
  });

  test('a job survives a killed origin: the running job is retried, the queued one runs after the restart', async () => {
    // A separate store, so the in-process origin above does not take the jobs.
    const restartDir = mkdtempSync(join(tmpdir(), `pare-origin-restart-${backend.name}-`));
    const childConfig = { token: TEST_TOKEN, dataDir: restartDir, cancelPollMs: 50, ...backend.config(restartDir), sleepMs: 1500 };
    const first = await startOriginProcess(childConfig);
    let second: Awaited<ReturnType<typeof startOriginProcess>> | undefined;
    try {
      const interrupted = await submit(first.fetcher, { type: 'compress', model: 'a' });
      const waiting = await submit(first.fetcher, { type: 'compress', model: 'b' });
      await waitForJob(first.fetcher, interrupted.id, (j) => j.state === 'running' && j.progress > 0);
      await first.kill('SIGKILL');

      second = await startOriginProcess(childConfig);
      const retried = await waitForJob(second.fetcher, interrupted.id, settled);
      expect(retried.state).toBe('succeeded');
      expect(retried.attempts).toBe(2);
      expect(retried.stalls).toBe(1);
      expect(retried.logs.some((l) => l.level === 'warn' && /takes the job over|stopped during attempt 1/.test(l.message))).toBe(true);
      const after = await waitForJob(second.fetcher, waiting.id, settled);
      expect(after.state).toBe('succeeded');
      expect(after.attempts).toBe(1);
    } finally {
      await first.kill('SIGKILL');
      await second?.kill('SIGTERM');
      if (childConfig.redisUrl && childConfig.redisPrefix) await deleteKeys(childConfig.redisUrl, childConfig.redisPrefix);
      rmSync(restartDir, { recursive: true, force: true });
    }
  });
});
