import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createOrigin, type Origin, type OriginConfig } from '../../origin';
import { sleepyRef } from '../../../test/handlerRefs';
import { inProcess, readJson, submit, TEST_TOKEN } from '../../../test/originHarness';
import { freePort, redisServerBinary, startRedisServer, type RedisServer } from '../../../test/redisServer';

// Durability you can see, against real redis-server processes: an origin configured for Redis refuses to start
// without one or on one that persists nothing (unless told), /readyz follows Redis while /healthz stays up,
// and a Redis that lost its data, or a job record that vanished, is counted and logged.

const binary = redisServerBinary();
if (!binary && process.env.CI) throw new Error('redis-server is not installed: the durability tests need it.');

let server: RedisServer;
const dataDir = mkdtempSync(join(tmpdir(), 'pare-origin-durable-'));
const config = (extra: Partial<OriginConfig> = {}): OriginConfig => ({ token: TEST_TOKEN, dataDir, redisUrl: server.url, redisPrefix: `pare-test-${randomUUID().slice(0, 8)}`, ...extra });

beforeAll(async () => {
  if (binary) server = await startRedisServer();
});

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe.runIf(binary)('an origin configured for Redis', () => {
  test('refuses to start on a Redis that persists nothing, unless told to accept that', async () => {
    const volatile = await startRedisServer({ persistent: false });
    try {
      await expect(createOrigin({ ...config(), redisUrl: volatile.url })).rejects.toMatchObject({
        code: 'option_invalid',
        message: expect.stringMatching(/persists nothing .*PARE_REDIS_ALLOW_VOLATILE=1/),
      });
      const accepted = await createOrigin({ ...config(), redisUrl: volatile.url, allowVolatileRedis: true, worker: false });
      await accepted.close();
    } finally {
      await volatile.stop();
    }
  });

  test('refuses to start when Redis is expected but missing or unreachable, saying which', async () => {
    await expect(createOrigin({ token: TEST_TOKEN, dataDir, queue: 'bullmq' })).rejects.toMatchObject({ code: 'option_invalid', message: expect.stringContaining('REDIS_URL is not set') });
    const nobody = `redis://127.0.0.1:${await freePort()}`;
    await expect(createOrigin({ ...config(), redisUrl: nobody })).rejects.toMatchObject({
      code: 'backend_unavailable',
      message: expect.stringContaining(`Redis at ${nobody}`),
    });
  });

  test('/readyz is 503 while Redis is down and 200 once it is back; /healthz answers throughout; jobs survive', async () => {
    const origin = await createOrigin(config({ worker: false }));
    const api = inProcess(origin.app);
    try {
      expect((await api('/readyz')).status).toBe(200);
      const job = await submit(api, { type: 'compress', model: 'm' });
      await server.halt();
      const down = await api('/readyz');
      expect(down.status).toBe(503);
      expect((await readJson(down)).error.code).toBe('backend_unavailable');
      expect((await api('/healthz')).status).toBe(200);
      const listed = await api('/jobs');
      expect(listed.status).toBe(503);
      expect((await readJson(listed)).error.code).toBe('backend_unavailable');
      await server.start();
      const deadline = Date.now() + 30_000;
      let ready = await api('/readyz');
      while (ready.status !== 200 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        ready = await api('/readyz');
      }
      expect(ready.status).toBe(200);
      // AOF brought the queued job back.
      expect((await readJson(await api(`/jobs/${job.id}`))).state).toBe('queued');
    } finally {
      if (server) await server.start().catch(() => undefined);
      await origin.close();
    }
  });

  test('a Redis emptied under a running origin is noticed, logged and counted', async () => {
    const origin = await createOrigin(config({ worker: false }));
    const api = inProcess(origin.app);
    const redis = new Redis(server.url);
    try {
      await redis.flushall();
      expect((await api('/readyz')).status).toBe(200);
      expect(await (await api('/metrics')).text()).toContain('pare_origin_store_data_lost_total 1');
    } finally {
      redis.disconnect();
      await origin.close();
    }
  });

  test('a delivered job whose record vanished is counted and logged, and the worker goes on', async () => {
    const shared = config({ lockDurationMs: 2000 });
    const front = await createOrigin({ ...shared, worker: false });
    const redis = new Redis(server.url);
    let worker: Origin | undefined;
    try {
      const api = inProcess(front.app);
      const lost = await submit(api, { type: 'compress', model: 'm' });
      await redis.del(`${shared.redisPrefix}:job:${lost.id}`);
      const kept = await submit(api, { type: 'compress', model: 'm' });
      worker = await createOrigin({ ...shared, handlers: { compress: sleepyRef(100, 2) } });
      const deadline = Date.now() + 60_000;
      while ((await readJson(await api(`/jobs/${kept.id}`))).state !== 'succeeded' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect((await readJson(await api(`/jobs/${kept.id}`))).state).toBe('succeeded');
      expect(worker.service.counters.get('jobs_vanished_total')).toBe(1);
    } finally {
      redis.disconnect();
      await worker?.close();
      await front.close();
    }
  });
});
