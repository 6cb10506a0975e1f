import { parseArgs } from 'node:util';
import { createOrigin } from './origin';
import { serveOrigin } from './serveOrigin';

// Starts the origin: `npm run origin -- --port 8788` (or `tsx apps/origin/src/server.ts`). Configuration:
//   --port / PORT (8788), --host / HOST (127.0.0.1), --data-dir / PARE_ORIGIN_DATA_DIR (.pare/origin),
//   REDIS_URL (BullMQ backend when set), PARE_REDIS_PREFIX (pare), --no-worker / PARE_ORIGIN_WORKER=0 (API only),
//   --concurrency / PARE_ORIGIN_CONCURRENCY (1), PARE_BULLMQ_LOCK_MS (30000), PARE_TOKEN (edge admin token for publishing).

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    'no-worker': { type: 'boolean', default: false },
    concurrency: { type: 'string' },
  },
});

const env = process.env;
const port = Number(values.port ?? env.PORT ?? 8788);
const host = values.host ?? env.HOST ?? '127.0.0.1';
const concurrency = Number(values.concurrency ?? env.PARE_ORIGIN_CONCURRENCY ?? 1);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port / PORT must be a port number; got "${values.port ?? env.PORT}".`);
if (!Number.isInteger(concurrency) || concurrency < 1) fail(`--concurrency / PARE_ORIGIN_CONCURRENCY must be a positive integer; got "${values.concurrency ?? env.PARE_ORIGIN_CONCURRENCY}".`);
const worker = !values['no-worker'] && env.PARE_ORIGIN_WORKER !== '0';
if (!worker && !env.REDIS_URL) {
  console.warn('pare origin: --no-worker without REDIS_URL: jobs are stored in SQLite but no process will run them.');
}
const origin = await createOrigin({
  redisUrl: env.REDIS_URL || undefined,
  redisPrefix: env.PARE_REDIS_PREFIX,
  dataDir: values['data-dir'] ?? env.PARE_ORIGIN_DATA_DIR ?? '.pare/origin',
  worker,
  concurrency,
  lockDurationMs: env.PARE_BULLMQ_LOCK_MS ? Number(env.PARE_BULLMQ_LOCK_MS) : undefined,
});

serveOrigin(origin, {
  port,
  host,
  onListening: (actualPort) => {
    const worker = origin.service.isWorker ? `worker ${origin.service.workerId}` : 'API only';
    console.log(`pare origin listening on http://${host}:${actualPort} (${origin.service.backendName} backend, ${worker})`);
  },
});

function fail(message: string): never {
  console.error(`pare origin: ${message}`);
  process.exit(1);
}
