import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Hono } from 'hono';
import { PareError } from '@pare/errors';
import { checkOriginToken } from './config/originToken';
import type { ArtifactStore } from './artifacts/artifactStore';
import { LocalArtifactStore } from './artifacts/localArtifactStore';
import { S3ArtifactStore, type S3ArtifactOptions } from './artifacts/s3ArtifactStore';
import { createApp } from './http/app';
import type { AttemptSandbox } from './jobs/attempt/attemptSandbox';
import type { HandlerRef } from './jobs/attempt/handlerRef';
import { inlineAttempt } from './jobs/attempt/inlineAttempt';
import { processAttempt } from './jobs/attempt/processAttempt';
import type { JobHandler } from './jobs/jobHandler';
import type { QueueBackend } from './jobs/jobQueue';
import { JobService } from './jobs/jobService';
import type { JobType } from './jobs/jobSpec';
import { canonicalRoot } from './jobs/confineFileRef';
import { edgeKey, type AdmissionPolicy } from './jobs/admitJob';
import { DEFAULT_JOB_MEMORY_BYTES } from './jobs/jobMemory';
import { DEFAULT_JOB_MS } from './jobs/jobRunner';

// Assembles an origin: picks the backend (BullMQ when a Redis URL is given, SQLite otherwise), the artifact
// store (a local folder, or an S3-compatible bucket shared by every origin), where each job type's attempts
// run, and the HTTP app. server.ts reads the configuration from flags and the environment; tests call this.

export interface OriginConfig {
  /** The bearer token every job route requires; at least 32 characters. */
  token: string;
  /** The edges distill jobs may publish to; with exactly one, publish.edge may be left out. */
  edgeUrls?: string[];
  /** Folders job paths must resolve into; default the data dir and the working directory. */
  dataRoots?: string[];
  /** Hosts (`name` or `name:port`) that jobs may name http(s) inputs on; default none. */
  fetchHosts?: string[];
  /** Set to share jobs through Redis + BullMQ; absent for the embedded SQLite backend. */
  redisUrl?: string;
  /** The backend asked for (PARE_QUEUE); `bullmq` without a redisUrl refuses to start rather than fall back. */
  queue?: 'sqlite' | 'bullmq';
  /** Start on a Redis that persists nothing (PARE_REDIS_ALLOW_VOLATILE=1). */
  allowVolatileRedis?: boolean;
  /** An S3-compatible bucket for artifacts (PARE_ARTIFACTS_S3_*); absent: `<dataDir>/artifacts` on this machine. */
  artifactsS3?: S3ArtifactOptions;
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
  /** A job whose memory estimate is over this many bytes is refused at submission (default 8 GiB). */
  maxJobMemoryBytes?: number;
  /** A job running longer than this is stopped and failed (default 6 h). */
  maxJobSeconds?: number;
  /**
   * Replace a job type's handler. A reference (module + export) runs in a child process like the defaults; a
   * function runs inside this process, sharing its event loop (for tests and embedders only).
   */
  handlers?: Partial<Record<JobType, HandlerRef | JobHandler>>;
  eventsPollMs?: number;
  cancelPollMs?: number;
}

export interface Origin {
  app: Hono;
  service: JobService;
  close(): Promise<void>;
}

export async function createOrigin(config: OriginConfig): Promise<Origin> {
  const token = checkOriginToken(config.token);
  const dataDir = resolve(config.dataDir);
  const admission = admissionPolicy(config, dataDir);
  const maxJobMs = positiveSetting(config.maxJobSeconds, 'maxJobSeconds (PARE_JOB_SECONDS)', MAX_JOB_SECONDS, DEFAULT_JOB_MS / 1000) * 1000;
  if (config.queue === 'bullmq' && !config.redisUrl) {
    throw new PareError('option_invalid', 'PARE_QUEUE=bullmq but REDIS_URL is not set: this origin would keep its jobs apart from the shared queue. Set REDIS_URL, or PARE_QUEUE=sqlite for one machine.');
  }
  if (config.queue === 'sqlite' && config.redisUrl) {
    throw new PareError('option_invalid', 'PARE_QUEUE=sqlite but REDIS_URL is set; unset one of them.');
  }
  // Each backend loads only when chosen: BullMQ is not needed (nor loaded) on a single machine.
  const backend: QueueBackend = config.redisUrl
    ? await (await import('./backends/bullmq/index')).createBullmqBackend({
        url: config.redisUrl,
        prefix: config.redisPrefix ?? 'pare',
        concurrency: config.concurrency,
        lockDurationMs: config.lockDurationMs,
        allowVolatile: config.allowVolatileRedis,
      })
    : (await import('./backends/sqlite/index')).createSqliteBackend({ file: join(dataDir, 'jobs.sqlite'), concurrency: config.concurrency });
  // One origin owns a SQLite data dir: files left by attempts that a crash cut off belong to nobody now.
  if (!config.redisUrl) rmSync(join(dataDir, 'attempts'), { recursive: true, force: true });
  const artifacts: ArtifactStore = config.artifactsS3 ? new S3ArtifactStore(config.artifactsS3) : new LocalArtifactStore(join(dataDir, 'artifacts'));
  if (config.redisUrl && !artifacts.shared) {
    console.warn('origin: jobs are shared through Redis but artifacts stay on the machine that ran each job; set PARE_ARTIFACTS_S3_ENDPOINT and PARE_ARTIFACTS_S3_BUCKET so every origin serves every artifact.');
  }
  const sandboxes = new Map<JobType, AttemptSandbox>();
  const sandboxFor = (type: JobType): AttemptSandbox => {
    const chosen = config.handlers?.[type];
    if (!sandboxes.has(type)) sandboxes.set(type, typeof chosen === 'function' ? inlineAttempt(chosen as JobHandler) : processAttempt(chosen));
    return sandboxes.get(type)!;
  };
  const service = new JobService({
    backend,
    sandboxFor,
    artifacts,
    stagingRoot: join(dataDir, 'attempts'),
    worker: config.worker ?? true,
    maxAttempts: config.maxAttempts,
    cancelPollMs: config.cancelPollMs,
    maxJobMs,
    maxJobMemoryBytes: admission.maxJobMemoryBytes,
  });
  await service.start();
  return { app: createApp(service, { token, admission, eventsPollMs: config.eventsPollMs }), service, close: () => service.close() };
}

// A timer longer than 2^31 - 1 ms fires at once in Node.
const MAX_JOB_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** A configured positive number, or its default when unset; throws `option_invalid` naming the setting. */
function positiveSetting(value: number | undefined, name: string, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new PareError('option_invalid', `${name} must be a positive number up to ${max}; got ${value}.`);
  }
  return value;
}

function admissionPolicy(config: OriginConfig, dataDir: string): AdmissionPolicy {
  const edgeUrls = (config.edgeUrls ?? []).map((url) => {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw new PareError('option_invalid', `PARE_EDGE_URLS: "${url}" is not an http(s) URL.`);
    }
    return edgeKey(url);
  });
  return {
    edgeUrls,
    dataRoots: (config.dataRoots ?? [dataDir, process.cwd()]).map(canonicalRoot),
    fetchHosts: config.fetchHosts ?? [],
    maxJobMemoryBytes: positiveSetting(config.maxJobMemoryBytes, 'maxJobMemoryBytes (PARE_JOB_MEMORY_BYTES)', Number.MAX_SAFE_INTEGER, DEFAULT_JOB_MEMORY_BYTES),
  };
}
