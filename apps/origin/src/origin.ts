import { join, resolve } from 'node:path';
import type { Hono } from 'hono';
import { defaultHandlers } from './handlers/index';
import { createApp } from './http/app';
import type { JobHandlers } from './jobs/jobHandler';
import type { QueueBackend } from './jobs/jobQueue';
import { JobService } from './jobs/jobService';

// Assembles an origin: picks the backend (BullMQ when a Redis URL is given, SQLite otherwise), the handlers
// and the HTTP app. server.ts reads the configuration from flags and the environment; tests call this.

export interface OriginConfig {
  /** Set to share jobs through Redis + BullMQ; absent for the embedded SQLite backend. */
  redisUrl?: string;
  /** Key prefix in Redis, so several deployments (or test runs) can share one server. */
  redisPrefix?: string;
  /** Where the SQLite file and the job artifacts live. */
  dataDir: string;
  /** Run jobs in this process (false: API only, other workers run them). */
  worker?: boolean;
  concurrency?: number;
  maxAttempts?: number;
  /** BullMQ lock duration: how soon a dead worker's job is found again. */
  lockDurationMs?: number;
  handlers?: Partial<JobHandlers>;
  eventsPollMs?: number;
  cancelPollMs?: number;
}

export interface Origin {
  app: Hono;
  service: JobService;
  close(): Promise<void>;
}

export async function createOrigin(config: OriginConfig): Promise<Origin> {
  const dataDir = resolve(config.dataDir);
  // Each backend loads only when chosen: BullMQ is not needed (nor loaded) on a single machine.
  const backend: QueueBackend = config.redisUrl
    ? (await import('./backends/bullmq/index')).createBullmqBackend({
        url: config.redisUrl,
        prefix: config.redisPrefix ?? 'pare',
        concurrency: config.concurrency,
        lockDurationMs: config.lockDurationMs,
      })
    : (await import('./backends/sqlite/index')).createSqliteBackend({ file: join(dataDir, 'jobs.sqlite'), concurrency: config.concurrency });
  const service = new JobService({
    backend,
    handlers: { ...defaultHandlers, ...config.handlers },
    artifactsRoot: join(dataDir, 'artifacts'),
    worker: config.worker ?? true,
    maxAttempts: config.maxAttempts,
    cancelPollMs: config.cancelPollMs,
  });
  await service.start();
  return { app: createApp(service, { eventsPollMs: config.eventsPollMs }), service, close: () => service.close() };
}
