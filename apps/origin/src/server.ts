import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isPareError } from '@pare/errors';
import { checkOriginToken, ensureTokenFile } from './config/originToken';
import type { S3ArtifactOptions } from './artifacts/s3ArtifactStore';
import { createOrigin } from './origin';
import { serveOrigin } from './serveOrigin';

// Starts the origin: `npm run origin -- --port 8788` (or `tsx apps/origin/src/server.ts`). Configuration:
//   PARE_ORIGIN_TOKEN (required, at least 32 characters: the bearer token of every job route), or
//   --token-file <file> (read it, or write a new one there with mode 0600; `npm run origin` uses .pare/origin.token),
//   PARE_EDGE_URLS (comma-separated edges distill jobs may publish to; one: publish.edge may be left out),
//   PARE_DATA_ROOTS (comma-separated folders job paths must lie in; default the data dir and the working directory),
//   PARE_FETCH_HOSTS (comma-separated hosts jobs may name http(s) inputs on; default none),
//   --port / PORT (8788), --host / HOST (127.0.0.1), --data-dir / PARE_ORIGIN_DATA_DIR (.pare/origin),
//   REDIS_URL (BullMQ backend when set; an unreachable Redis, or one that persists nothing, stops the start),
//   PARE_QUEUE (sqlite | bullmq: bullmq without REDIS_URL refuses to start), PARE_REDIS_ALLOW_VOLATILE=1 (accept a
//   Redis without AOF or snapshots), PARE_REDIS_PREFIX (pare), --no-worker / PARE_ORIGIN_WORKER=0 (API only),
//   PARE_ARTIFACTS_S3_ENDPOINT, PARE_ARTIFACTS_S3_BUCKET, PARE_ARTIFACTS_S3_REGION (auto), PARE_ARTIFACTS_S3_PREFIX,
//   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (artifacts in an S3-compatible bucket every origin serves from;
//   default <data dir>/artifacts on this machine),
//   --concurrency / PARE_ORIGIN_CONCURRENCY (1), PARE_BULLMQ_LOCK_MS (30000), PARE_TOKEN (edge admin token for publishing and for reading deployed teachers),
//   PARE_JOB_MEMORY_BYTES (8 GiB: a job whose memory estimate is higher is refused with 400 job_spec_invalid, and a
//     running job that grows the process's resident memory by more is stopped and failed),
//   PARE_JOB_SECONDS (21600: a job running longer is stopped and failed).
// Each attempt of a job runs in a child process (apps/origin/src/jobs/attempt/processAttempt.ts): its memory is
// bounded by its estimate at admission and by a watch on that process's resident memory, not by the kernel.

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    'no-worker': { type: 'boolean', default: false },
    concurrency: { type: 'string' },
    'token-file': { type: 'string' },
  },
});

const env = process.env;
const port = Number(values.port ?? env.PORT ?? 8788);
const host = values.host ?? env.HOST ?? '127.0.0.1';
const concurrency = Number(values.concurrency ?? env.PARE_ORIGIN_CONCURRENCY ?? 1);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port / PORT must be a port number; got "${values.port ?? env.PORT}".`);
if (!Number.isInteger(concurrency) || concurrency < 1) fail(`--concurrency / PARE_ORIGIN_CONCURRENCY must be a positive integer; got "${values.concurrency ?? env.PARE_ORIGIN_CONCURRENCY}".`);
const worker = !values['no-worker'] && env.PARE_ORIGIN_WORKER !== '0';
const queue = env.PARE_QUEUE || undefined;
if (queue !== undefined && queue !== 'sqlite' && queue !== 'bullmq') fail(`PARE_QUEUE must be sqlite or bullmq; got "${queue}".`);
if (!worker && !env.REDIS_URL) {
  console.warn('pare origin: --no-worker without REDIS_URL: jobs are stored in SQLite but no process will run them.');
}
const token = originToken();
const origin = await createOrigin({
  token,
  edgeUrls: list(env.PARE_EDGE_URLS),
  dataRoots: list(env.PARE_DATA_ROOTS),
  fetchHosts: list(env.PARE_FETCH_HOSTS),
  redisUrl: env.REDIS_URL || undefined,
  queue,
  allowVolatileRedis: env.PARE_REDIS_ALLOW_VOLATILE === '1',
  artifactsS3: artifactsBucket(),
  redisPrefix: env.PARE_REDIS_PREFIX,
  dataDir: values['data-dir'] ?? env.PARE_ORIGIN_DATA_DIR ?? '.pare/origin',
  worker,
  concurrency,
  lockDurationMs: env.PARE_BULLMQ_LOCK_MS ? Number(env.PARE_BULLMQ_LOCK_MS) : undefined,
  maxJobMemoryBytes: env.PARE_JOB_MEMORY_BYTES ? Number(env.PARE_JOB_MEMORY_BYTES) : undefined,
  maxJobSeconds: env.PARE_JOB_SECONDS ? Number(env.PARE_JOB_SECONDS) : undefined,
}).catch((error: unknown) => fail(isPareError(error) ? error.message : String(error)));

serveOrigin(origin, {
  port,
  host,
  onListening: (actualPort) => {
    const worker = origin.service.isWorker ? `worker ${origin.service.workerId}` : 'API only';
    console.log(`pare origin listening on http://${host}:${actualPort} (${origin.service.backendName} backend, ${origin.service.artifactStoreName} artifacts, ${worker})`);
  },
});

/** PARE_ORIGIN_TOKEN, else the --token-file one (made on first run); exits when there is none or it is short. */
function originToken(): string {
  try {
    if (env.PARE_ORIGIN_TOKEN || !values['token-file']) return checkOriginToken(env.PARE_ORIGIN_TOKEN);
    const file = resolve(values['token-file']);
    const { token, created } = ensureTokenFile(file);
    console.log(`pare origin: ${created ? 'wrote a new' : 'using the'} API token in ${file} (mode 0600; the pare CLI reads it for a local origin)`);
    return checkOriginToken(token);
  } catch (error) {
    fail(isPareError(error) ? error.message : String(error));
  }
}

/** The S3-compatible artifact bucket, when PARE_ARTIFACTS_S3_ENDPOINT is set; exits when part of it is missing. */
function artifactsBucket(): S3ArtifactOptions | undefined {
  const endpoint = env.PARE_ARTIFACTS_S3_ENDPOINT;
  if (!endpoint) return undefined;
  const bucket = env.PARE_ARTIFACTS_S3_BUCKET;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!bucket || !accessKeyId || !secretAccessKey) {
    fail('PARE_ARTIFACTS_S3_ENDPOINT is set: PARE_ARTIFACTS_S3_BUCKET, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set too.');
  }
  return { endpoint, bucket, accessKeyId, secretAccessKey, region: env.PARE_ARTIFACTS_S3_REGION || undefined, prefix: env.PARE_ARTIFACTS_S3_PREFIX || undefined };
}

/** A comma-separated variable as a list; undefined when unset, so the origin's defaults apply. */
function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((v) => v.trim()).filter(Boolean);
}

function fail(message: string): never {
  console.error(`pare origin: ${message}`);
  process.exit(1);
}
