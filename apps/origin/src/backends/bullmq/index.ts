import type { QueueBackend } from '../../jobs/jobQueue';
import { BullmqJobQueue, type BullmqQueueOptions } from './bullmqJobQueue';
import { RedisJobStore } from './redisJobStore';

// The shared backend: job records in Redis and delivery through BullMQ, so several origin workers (GPU
// machines among them) take jobs from one queue. Used when REDIS_URL is set.

export function createBullmqBackend(options: BullmqQueueOptions): QueueBackend {
  const store = new RedisJobStore(options.url, options.prefix);
  const queue = new BullmqJobQueue(options, store);
  return {
    name: 'bullmq',
    store,
    queue,
    // BullMQ's stalled-job check finds interrupted jobs; other workers may be running jobs right now, so
    // a `running` record here is not evidence of a crash.
    async recoverInterrupted() {},
  };
}
