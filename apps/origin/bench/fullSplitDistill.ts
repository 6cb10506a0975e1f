// `tsx apps/origin/bench/fullSplitDistill.ts [--teacher infra/models/spam/teacher/model.onnx]` (bench section
// `origin-full-distill`): the README's full distillation (the whole bundled training split, default sizes and
// BullMQ's default 30 s lock) submitted to one API-only origin with two workers on one redis-server, artifacts in a local
// S3-protocol server. Its
// synchronous phases are long; the job must run on one worker, once, without a stall or a takeover, and its
// artifacts must download through the API origin. Writes bench-results/origin-full-distill.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startRedisServer } from '../test/redisServer';
import { originCluster, repoRoot, startArtifactBucket } from './originCluster';

const { values } = parseArgs({ options: { teacher: { type: 'string', default: 'infra/models/spam/teacher/model.onnx' } } });
const teacher = resolve(repoRoot, values.teacher!);
const TOKEN = 'bench-origin-token-0123456789abcdefghijkl';
const work = mkdtempSync(join(os.tmpdir(), 'pare-full-distill-'));
const redis = await startRedisServer();
const bucket = await startArtifactBucket(work);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  REDIS_URL: redis.url,
  PARE_REDIS_PREFIX: 'full-distill',
  PARE_ORIGIN_TOKEN: TOKEN,
  PARE_DATA_ROOTS: join(repoRoot, 'infra'),
  ...bucket.env,
};
delete env.PARE_BULLMQ_LOCK_MS;
const cluster = await originCluster({ work, env, token: TOKEN, workers: 2 });
const loadBefore = os.loadavg()[0]!;
const startedAt = Date.now();
await Promise.all([cluster.api, ...cluster.workers].map(cluster.start));
// The spec `pare distill --teacher infra/models/spam/teacher/model.onnx --temperature 2 --alpha 0.7` sends.
const id = await cluster.submit({ type: 'distill', data: 'spam-assassin', teacher, temperature: 2, alpha: 0.7 });
let job = await cluster.job(id);
const workersSeen = new Set<string>();
const attemptsSeen = new Set<string>();
for (const deadline = Date.now() + 3 * 3600_000; !['succeeded', 'failed', 'cancelled'].includes(job.state) && Date.now() < deadline; ) {
  await new Promise((r) => setTimeout(r, 2000));
  job = await cluster.job(id);
  if (job.workerId) workersSeen.add(job.workerId);
  if (job.attemptId) attemptsSeen.add(job.attemptId);
}
const elapsedS = (Date.now() - startedAt) / 1000;
const logs = job.logs ?? [];
const succeededLines = logs.filter((l) => l.message === 'Succeeded.').length;
let artifactsOk = 0;
for (const a of job.artifacts ?? []) {
  const response = await cluster.call(`/jobs/${id}/artifacts/${a.name}`);
  if (response.ok && (await response.arrayBuffer()).byteLength === a.bytes) artifactsOk++;
}
const once = job.state === 'succeeded' && succeededLines === 1 && (job.stalls ?? 0) === 0 && workersSeen.size === 1 && attemptsSeen.size === 1;
const report = [
  '# A full distillation on two workers',
  '',
  `\`npm run bench -- --only origin-full-distill\` (\`tsx apps/origin/bench/fullSplitDistill.ts\`): the README's`,
  '`pare distill --teacher infra/models/spam/teacher/model.onnx --temperature 2 --alpha 0.7` job (the whole bundled',
  'training split, default student) on one API-only origin and two workers on one redis-server, BullMQ\'s default',
  `30 s lock. Machine load average (1 min) ${loadBefore.toFixed(1)} at the start and ${os.loadavg()[0]!.toFixed(1)} at the end, on ${os.cpus().length} cores.`,
  '',
  '| measure | value | target |',
  '|---|---|---|',
  `| state | ${job.state} | succeeded |`,
  `| \`Succeeded.\` lines in its log | ${succeededLines} | 1 |`,
  `| attempts taken over after a stall | ${job.stalls ?? 0} | 0 |`,
  `| workers that held it | ${workersSeen.size} | 1 |`,
  `| attempts seen (attempt ids) | ${attemptsSeen.size} | 1 |`,
  `| artifacts downloadable through the API origin | ${artifactsOk} of ${(job.artifacts ?? []).length} | all |`,
  `| wall time | ${(elapsedS / 60).toFixed(1)} min | |`,
  '',
  `Finished exactly once: ${once ? 'yes' : 'no'}.`,
  '',
].join('\n');
mkdirSync(join(repoRoot, 'bench-results'), { recursive: true });
writeFileSync(join(repoRoot, 'bench-results', 'origin-full-distill.md'), report);
process.stdout.write(report);
await cluster.stopAll();
await bucket.close();
await redis.stop();
rmSync(work, { recursive: true, force: true });
process.exit(once ? 0 : 1);
