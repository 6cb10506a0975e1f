import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OriginClient, type JobEvent } from '@pare/clients';
import { afterAll, expect, test } from 'vitest';
import { sleepyRef } from '../../test/handlerRefs';
import { startOriginProcess, submit, TEST_TOKEN, waitForJob, type OriginProcess } from '../../test/originHarness';
import { freePort } from '../../test/redisServer';

// Following a job across an origin restart, through @pare/clients' OriginClient as `pare job --follow` does:
// the stream drops, the client reconnects with Last-Event-ID once the origin is back, and ends with the job's
// real outcome; every log line arrives exactly once.

const origins: OriginProcess[] = [];
const dirs: string[] = [];
/** One SQLite file per test: each belongs to one origin at a time. */
const freshDataDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'pare-origin-follow-'));
  dirs.push(dir);
  return dir;
};

afterAll(async () => {
  await Promise.all(origins.map((o) => o.kill('SIGKILL')));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test('follow survives an origin restart and ends with the settled job, each log line once', async () => {
  const port = await freePort();
  const config = { token: TEST_TOKEN, dataDir: freshDataDir(), port, cancelPollMs: 50, eventsPollMs: 50, handlers: { compress: sleepyRef(3000, 10) } };
  const first = await startOriginProcess(config);
  origins.push(first);
  const client = new OriginClient(first.url, { token: TEST_TOKEN });
  const job = await submit(first.fetcher, { type: 'compress', model: 'm' });
  const events: JobEvent[] = [];
  const reconnects: string[] = [];
  const followed = client.follow(job.id, (event) => events.push(event), { reconnectForMs: 120_000, onReconnecting: (why) => reconnects.push(why) });

  await waitForJob(first.fetcher, job.id, (j) => j.state === 'running' && j.progress > 0);
  await first.kill('SIGTERM'); // the running job goes back on the queue
  const second = await startOriginProcess(config);
  origins.push(second);

  const settled = await followed;
  expect(settled.state).toBe('succeeded');
  expect(reconnects.length).toBeGreaterThan(0);
  const seen = events.filter((e) => e.event === 'log').map((e) => `${e.data.at} ${e.data.message}`);
  const stored = (await client.get(job.id)).logs.map((l) => `${l.at} ${l.message}`);
  expect(seen).toEqual(stored);
  expect(stored.some((l) => /shut down while this job ran/.test(l))).toBe(true);
});

test('follow gives up with origin_unreachable, not a TypeError, when the origin does not come back', async () => {
  const config = { token: TEST_TOKEN, dataDir: freshDataDir(), cancelPollMs: 50, eventsPollMs: 50, handlers: { compress: sleepyRef(5000, 10) } };
  const origin = await startOriginProcess(config);
  origins.push(origin);
  const job = await submit(origin.fetcher, { type: 'compress', model: 'm' });
  const client = new OriginClient(origin.url, { token: TEST_TOKEN });
  const followed = client.follow(job.id, () => {}, { reconnectForMs: 1500 });
  await waitForJob(origin.fetcher, job.id, (j) => j.state === 'running');
  await origin.kill('SIGKILL');
  await expect(followed).rejects.toMatchObject({ code: 'origin_unreachable', message: expect.stringContaining(`pare job ${job.id} --follow`) });
});
