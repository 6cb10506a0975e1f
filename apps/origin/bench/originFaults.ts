// `tsx apps/origin/bench/originFaults.ts [--per-kind 3] [--lock-ms 5000]` (bench section `origin-faults`): jobs of
// every kind across one API-only origin and two workers on one redis-server (AOF on, loopback, a free port),
// with artifacts in a local S3-protocol server (s3rver), while the script kills a worker with -9, stops the
// other with SIGTERM, restarts the API origin and restarts Redis. Writes bench-results/origin-faults.md:
// jobs submitted, finished exactly once, duplicated, lost, failed spuriously, takeover time after the kill,
// and artifacts downloadable through the API origin.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { JobWithLogs } from '@pare/clients';
import { tinyFixture } from '../test/tinyDataset';
import { tinyMlpBytes } from '../test/tinyClassifier';
import { startRedisServer } from '../test/redisServer';
import { originCluster, repoRoot as root, startArtifactBucket, type Origin } from './originCluster';

const { values } = parseArgs({ options: { 'per-kind': { type: 'string', default: '3' }, 'lock-ms': { type: 'string', default: '5000' } } });
const PER_KIND = Number(values['per-kind']);
const LOCK_MS = Number(values['lock-ms']);
const TOKEN = 'bench-origin-token-0123456789abcdefghijkl';
const work = mkdtempSync(join(tmpdir(), 'pare-origin-faults-'));
const fixture = tinyFixture(64, 8);
const mlp = join(fixture.dir, 'mlp.onnx');
writeFileSync(mlp, tinyMlpBytes());

const redis = await startRedisServer();
const bucket = await startArtifactBucket(work);
const env = {
  ...process.env,
  REDIS_URL: redis.url,
  PARE_REDIS_PREFIX: 'faults',
  PARE_ORIGIN_TOKEN: TOKEN,
  PARE_BULLMQ_LOCK_MS: String(LOCK_MS),
  // A free slot on the surviving worker, so the takeover time measures finding the dead one, not queueing.
  PARE_ORIGIN_CONCURRENCY: '2',
  PARE_DATA_ROOTS: fixture.dir,
  ...bucket.env,
};

const cluster = await originCluster({ work, env, token: TOKEN, workers: 2 });
const { api, workers, start, stop, call, job } = cluster;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const specs = [
  { type: 'evaluate', model: fixture.model, data: fixture.data, batchSize: 8 },
  { type: 'batch-infer', model: fixture.model, data: fixture.data, batchSize: 8 },
  { type: 'compress', model: mlp, options: { quantize: 'int8-dynamic' } },
  {
    type: 'distill', limit: 256, vocabSize: 300, maxLength: 24, batchSize: 32, seed: 3,
    teacher: { size: { dModel: 32, heads: 2, layers: 2, ffDim: 64 }, epochs: 2 },
    student: { size: { dModel: 8, heads: 2, layers: 1, ffDim: 16 }, epochs: 2 },
  },
];

const startedAt = Date.now();
await Promise.all([api, ...workers].map(start));
const ids: string[] = [];
for (let i = 0; i < PER_KIND; i++) {
  for (const spec of specs) ids.push(await cluster.submit(spec));
}

/** Wait until some job runs on `origin`. */
async function runningOn(origin: Origin, timeoutMs = 120_000): Promise<JobWithLogs | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const id of ids) {
      const j = await job(id);
      if (j.state === 'running' && j.workerId === origin.workerId) return j;
    }
    await sleep(200);
  }
  return undefined;
}

/** kill -9 the worker running `victim`; ms until another attempt owns the job (undefined: not within 10 locks). */
async function killAndTime(origin: Origin, victim: JobWithLogs): Promise<number | undefined> {
  const killedAt = Date.now();
  await stop(origin, 'SIGKILL');
  while (Date.now() - killedAt < 10 * LOCK_MS) {
    if ((await job(victim.id)).attemptId !== victim.attemptId) return Date.now() - killedAt;
    await sleep(100);
  }
  return undefined;
}

async function settleAll(): Promise<JobWithLogs[]> {
  const deadline = Date.now() + 10 * 60_000;
  let jobs: JobWithLogs[];
  do {
    await sleep(1000);
    jobs = await Promise.all(ids.map(job));
  } while (jobs.some((j) => !['succeeded', 'failed', 'cancelled'].includes(j.state)) && Date.now() < deadline);
  return jobs;
}

// Faults while the queue has a backlog: kill -9 a worker mid-job, SIGTERM the other mid-job (its job goes
// back on the queue), restart the API origin, restart Redis (AOF brings its data back).
const killedMidJob = await runningOn(workers[0]!);
if (killedMidJob) await stop(workers[0]!, 'SIGKILL');
await start(workers[0]!);
if (await runningOn(workers[1]!, 60_000)) await stop(workers[1]!, 'SIGTERM');
await start(workers[1]!);
await stop(api, 'SIGTERM');
await start(api);
await redis.restart();
await settleAll();

// Takeover, timed on an idle pair: one more distill, its worker killed with -9, the other free to take it.
ids.push(await cluster.submit(specs[3]));
let victim: JobWithLogs | undefined;
for (const deadline = Date.now() + 120_000; !victim && Date.now() < deadline; await sleep(200)) {
  const last = await job(ids.at(-1)!);
  if (last.state === 'running') victim = last;
}
const victimOrigin = workers.find((w) => w.workerId === victim?.workerId);
const takeoverMs = victim && victimOrigin ? await killAndTime(victimOrigin, victim) : undefined;
if (victimOrigin) await start(victimOrigin);
const jobs = await settleAll();

let artifactsOk = 0;
let artifactsTotal = 0;
for (const j of jobs) {
  for (const a of j.artifacts ?? []) {
    artifactsTotal++;
    const response = await call(`/jobs/${j.id}/artifacts/${a.name}`);
    if (response.ok && (await response.arrayBuffer()).byteLength === a.bytes) artifactsOk++;
  }
}
const succeededLines = (j: JobWithLogs) => (j.logs ?? []).filter((l) => l.message === 'Succeeded.').length;
const exactlyOnce = jobs.filter((j) => j.state === 'succeeded' && succeededLines(j) === 1).length;
const duplicated = jobs.filter((j) => succeededLines(j) > 1).length;
const lost = jobs.filter((j) => !j.state || !['succeeded', 'failed', 'cancelled'].includes(j.state)).length;
const spurious = jobs.filter((j) => j.state === 'failed' || j.state === 'cancelled').length;
const stalls = jobs.reduce((sum, j) => sum + (j.stalls ?? 0), 0);
const elapsed = ((Date.now() - startedAt) / 1000).toFixed(0);

const report = [
  '# Origin under faults',
  '',
  `\`npm run bench -- --only origin-faults\` (\`tsx apps/origin/bench/originFaults.ts --per-kind ${PER_KIND} --lock-ms ${LOCK_MS}\`): ${ids.length} jobs`,
  `(${PER_KIND} each of evaluate, batch-infer, compress and a small distill, and one more distill) across one API-only origin`,
  'and two workers on one redis-server (AOF on) with artifacts in a local S3-protocol server, all on loopback. Faults while',
  'the queue had a backlog: a worker killed with -9 mid-job, the other stopped with SIGTERM mid-job (both restarted), the',
  'API origin restarted, Redis restarted; then, on the idle pair, the last distill\'s worker killed with -9 and the time',
  `until the other owns the job. BullMQ lock ${LOCK_MS / 1000} s, 2 jobs at once per worker; ${elapsed} s in all.`,
  '',
  '| measure | value | target |',
  '|---|---|---|',
  `| jobs submitted | ${ids.length} | |`,
  `| finished exactly once (succeeded, one \`Succeeded.\`) | ${exactlyOnce} | ${ids.length} |`,
  `| duplicated | ${duplicated} | 0 |`,
  `| lost (never settled) | ${lost} | 0 |`,
  `| failed or cancelled spuriously | ${spurious} | 0 |`,
  `| attempts taken over after a stall (all jobs) | ${stalls} | |`,
  `| kill -9 mid-job under a backlog | ${killedMidJob ? 'done' : 'no job was running on the worker'} | |`,
  `| takeover after kill -9 (idle survivor) | ${takeoverMs === undefined ? (victim ? 'not seen' : 'the job did not start') : `${(takeoverMs / 1000).toFixed(1)} s`} | ≤ ${LOCK_MS / 1000 + 5} s (lock + 5 s) |`,
  `| artifacts downloadable through the API origin | ${artifactsOk} of ${artifactsTotal} | all |`,
  '',
].join('\n');
mkdirSync(join(root, 'bench-results'), { recursive: true });
writeFileSync(join(root, 'bench-results', 'origin-faults.md'), report);
process.stdout.write(report);

await cluster.stopAll();
await bucket.close();
await redis.stop();
rmSync(work, { recursive: true, force: true });
rmSync(fixture.dir, { recursive: true, force: true });
process.exit(duplicated || lost || spurious ? 1 : 0);
