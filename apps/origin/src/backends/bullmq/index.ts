import type { QueueBackend } from '../../jobs/jobQueue';
import { BullmqJobQueue, type BullmqQueueOptions } from './bullmqJobQueue';
import { checkRedis } from './redisDurability';
import { RedisJobStore } from './redisJobStore';

// The shared backend: job records in Redis and delivery through BullMQ, so several origin workers (GPU
// machines among them) take jobs from one queue. Used when REDIS_URL is set; it refuses to start on a Redis
// that does not answer, or that persists nothing unless `allowVolatile` says so (./redisDurability.ts).

export interface BullmqBackendOptions extends BullmqQueueOptions {
  allowVolatile?: boolean;
}

export async function createBullmqBackend(options: BullmqBackendOptions): Promise<QueueBackend> {
  await checkRedis({ url: options.url, allowVolatile: options.allowVolatile });
  const store = new RedisJobStore(options.url, options.prefix);
  await store.markEpoch();
  const queue = new BullmqJobQueue(options);
  return {
    name: 'bullmq',
    store,
    queue,
    // BullMQ's stalled-job check finds interrupted jobs; other workers may be running jobs right now, so
    // a `running` record here is not evidence of a crash.
    async recoverInterrupted() {},
    ready: (counters) => store.checkReady(counters),
  };
}
