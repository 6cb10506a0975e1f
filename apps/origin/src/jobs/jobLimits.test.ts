import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { JOB_LIMITS } from '@pare/clients/wire';
import { createOrigin, type Origin } from '../origin';
import { overHttp, serveApp, submitRefused, settled, submit, TEST_TOKEN, waitForJob, type Fetcher, type ServedApp } from '../../test/originHarness';
import { hungryRef, sleepyRef } from '../../test/handlerRefs';


// What a job may ask of the origin, over real HTTP: every size and count is bounded and a distill job's memory
// estimate must fit the budget, both checked before anything is queued; a job running past the time limit is
// stopped and failed, and the worker goes on to the next job.

const BUDGET = 512 * 1024 ** 2;
let dataDir: string;
let origin: Origin;
let served: ServedApp;
let api: Fetcher;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'pare-origin-limits-'));
  origin = await createOrigin({
    token: TEST_TOKEN, dataDir, cancelPollMs: 50, maxJobMemoryBytes: BUDGET, maxJobSeconds: 1,
    handlers: { compress: sleepyRef(5000, 50), distill: sleepyRef(10, 1) },
  });
  served = await serveApp(origin.app);
  api = overHttp(served.url);
});

afterAll(async () => {
  await served.close();
  await origin.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const refused = (spec: unknown) => submitRefused(origin.service, api, spec);

describe('job spec bounds', () => {
  test('a distill job asking for vocabSize 1e12 and maxLength 1e9 is refused, naming the field and the bound', async () => {
    const answer = await refused({ type: 'distill', vocabSize: 1e12, maxLength: 1e9 });
    expect(answer).toMatchObject({ status: 400, code: 'job_spec_invalid', field: 'vocabSize' });
    expect(answer.message).toBe(`Invalid job spec: vocabSize: must be at most ${JOB_LIMITS.vocabSize}.`);
    expect(answer.details.issues).toContainEqual({ field: 'maxLength', message: `must be at most ${JOB_LIMITS.maxLength}` });
  });

  test('sizes, counts and string lengths past their bounds are refused', async () => {
    const long = `/data/${'x'.repeat(JOB_LIMITS.fileRefLength)}.onnx`;
    const variant = (i: number) => ({ variant: `v${i}`, options: { quantize: 'int8-dynamic' } });
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ type: 'distill', student: { size: { layers: 1000 } } }, 'student.size.layers', `be at most ${JOB_LIMITS.layers}`],
      [{ type: 'distill', student: { epochs: 1e6 } }, 'student.epochs', `be at most ${JOB_LIMITS.epochs}`],
      [{ type: 'distill', student: { learningRate: 1e6 } }, 'student.learningRate', `be at most ${JOB_LIMITS.learningRate}`],
      [{ type: 'distill', batchSize: 1e7 }, 'batchSize', `be at most ${JOB_LIMITS.batchSize}`],
      [{ type: 'distill', limit: 1e12 }, 'limit', `be at most ${JOB_LIMITS.examples}`],
      [{ type: 'distill', variants: Array.from({ length: JOB_LIMITS.variants + 1 }, (_, i) => variant(i)) }, 'variants', `have at most ${JOB_LIMITS.variants} items`],
      [{ type: 'batch-infer', model: long, data: '/data/d.jsonl' }, 'model', `be at most ${JOB_LIMITS.fileRefLength} characters`],
      [{ type: 'batch-infer', model: '/m.onnx', data: '/d.jsonl', outputs: Array.from({ length: JOB_LIMITS.outputs + 1 }, (_, i) => `o${i}`) }, 'outputs', `have at most ${JOB_LIMITS.outputs} items`],
      [{ type: 'evaluate', model: '/m.onnx', data: '/d.jsonl', labels: ['ham', 'x'.repeat(JOB_LIMITS.nameLength + 1)] }, 'labels.1', `be at most ${JOB_LIMITS.nameLength} characters`],
      [{ type: 'compress', model: '/m.onnx', calibrationLimit: 1e9 }, 'calibrationLimit', `be at most ${JOB_LIMITS.calibrationLimit}`],
    ];
    for (const [spec, field, bound] of cases) {
      const answer = await refused(spec);
      expect(answer, JSON.stringify(spec).slice(0, 200)).toMatchObject({ status: 400, code: 'job_spec_invalid', field });
      expect(answer.message).toContain(`${field}: must ${bound}`);
    }
  });

  test("a distill job whose memory estimate is over the origin's budget is refused, saying the estimate and the budget", async () => {
    const answer = await refused({ type: 'distill', maxLength: 512 });
    expect(answer).toMatchObject({ status: 400, code: 'job_spec_invalid', field: '(body)' });
    expect(answer.details.estimateBytes).toBeGreaterThan(BUDGET);
    expect(answer.details.budgetBytes).toBe(BUDGET);
    const gib = (answer.details.estimateBytes / 1024 ** 3).toFixed(1);
    expect(answer.message).toContain(`needs about ${gib} GiB by this origin's estimate`);
    expect(answer.message).toContain('over its budget of 512.0 MiB per job (PARE_JOB_MEMORY_BYTES)');
  });
});

describe('job time limit', () => {
  test('a job running past the limit is stopped and failed, and the worker runs the next job', async () => {
    const slow = await submit(api, { type: 'compress', model: 'ignored-by-the-sleepy-handler' });
    const stopped = await waitForJob(api, slow.id, settled, 10_000);
    expect(stopped.state).toBe('failed');
    expect(stopped.error).toEqual({ code: 'job_failed', message: 'The job exceeded the time limit of 1 s (PARE_JOB_SECONDS) and was stopped.' });
    expect(stopped.progress).toBeLessThan(1);
    expect(stopped.logs.at(-1)).toMatchObject({ level: 'error', message: `Failed: ${stopped.error!.message}` });

    // Within the memory budget (the defaults), and quick: it succeeds on the same worker.
    const next = await submit(api, { type: 'distill' });
    const done = await waitForJob(api, next.id, settled);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.workerId).toBe(stopped.workerId);
  });

  test('a job that grows the origin past its memory budget is stopped and failed, and the origin goes on', async () => {
    const smallDir = mkdtempSync(join(tmpdir(), 'pare-origin-memory-'));
    const small = await createOrigin({
      token: TEST_TOKEN, dataDir: smallDir, cancelPollMs: 50, maxJobMemoryBytes: 64 * 1024 ** 2,
      handlers: { compress: hungryRef(16 * 1024 ** 2, 64) },
    });
    const app = await serveApp(small.app);
    try {
      const smallApi = overHttp(app.url);
      const hungry = await submit(smallApi, { type: 'compress', model: 'ignored-by-the-hungry-handler' });
      const stopped = await waitForJob(smallApi, hungry.id, settled, 30_000);
      expect(stopped.state).toBe('failed');
      expect(stopped.error).toEqual({ code: 'job_failed', message: "The job grew its process's memory by more than 64 MiB (PARE_JOB_MEMORY_BYTES) and was stopped." });
      // The worker is free again: the next job runs, and is judged on its own growth.
      const next = await waitForJob(smallApi, (await submit(smallApi, { type: 'compress', model: 'again' })).id, settled, 30_000);
      expect(next.error?.message).toMatch(/PARE_JOB_MEMORY_BYTES/);
      expect(next.workerId).toBe(stopped.workerId);
    } finally {
      await app.close();
      await small.close();
      rmSync(smallDir, { recursive: true, force: true });
    }
  });

  test('a limit or budget that is not a positive number keeps the origin from starting', async () => {
    await expect(createOrigin({ token: TEST_TOKEN, dataDir, maxJobSeconds: 0 })).rejects.toThrow(/maxJobSeconds \(PARE_JOB_SECONDS\) must be a positive number/);
    await expect(createOrigin({ token: TEST_TOKEN, dataDir, maxJobMemoryBytes: Number.NaN })).rejects.toThrow(/maxJobMemoryBytes \(PARE_JOB_MEMORY_BYTES\) must be a positive number/);
  });
});
