// Edge benchmark, all in one run on local workerd (wrangler dev):
//   upload size raw/gzipped · cold first request (ORT init + load from R2) · warm request latency of the fp32
//   and int8 variants side by side with GET /v2/health/live on the same worker · in-isolate inference time ·
//   a loopback load test (autocannon, bounded in time) with events in D1 versus requests sent.
// Run: npx tsx apps/edge/bench/edgeBench.ts [--rounds 300] [--duration 10] [--connections 8]
// Writes bench-results/edge.md (merged into BENCHMARKS.md by the lead).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { EdgeClient } from '@pare/clients';
import { buildDefaultVariants, DEFAULT_MODEL_NAME } from '../../../infra/models/defaultVariants';
import { findCommittedVariants } from '../../../infra/models/committedVariants';
import { buildUpload, freePort, LocalWorker, repoRoot } from '../../../infra/localEdgeWorker';
import { fmt, loadTiming, mean, median, percentile, serverTiming } from './latencyStats';
import { loadTest, requestsSent, settledEvents, timed } from './benchClient';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '300' }, duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '8' }, colds: { type: 'string', default: '3' } } });
const ROUNDS = Number(args.rounds);
const DURATION_S = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const COLD_STARTS = Number(args.colds);
const MODEL = DEFAULT_MODEL_NAME;

function log(message: string): void {
  process.stderr.write(`edge bench: ${message}\n`);
}

/** Build the upload (kept in `outdir` for the benchmark worker) and measure it. */
function uploadSize(outdir: string): { rawKiB: number; gzipKiB: number; wranglerLine: string } {
  {
    const output = buildUpload(outdir);
    let raw = 0;
    let gzip = 0;
    for (const file of readdirSync(outdir)) {
      if (file.endsWith('.map') || file === 'README.md') continue;
      const bytes = readFileSync(path.join(outdir, file));
      raw += statSync(path.join(outdir, file)).size;
      gzip += gzipSync(bytes).byteLength;
    }
    return { rawKiB: raw / 1024, gzipKiB: gzip / 1024, wranglerLine: /Total Upload:[^\n]*/.exec(output)?.[0] ?? '' };
  }
}

const input = [Array.from({ length: 64 }, (_, i) => Math.sin(i) * 0.5)];
const oipBody = JSON.stringify({ inputs: [{ name: 'input', shape: [1, 64], datatype: 'FP32', data: input[0] }] });
const predictBody = JSON.stringify({ inputs: { input } });

const inferOn = (worker: LocalWorker, variant: string) => timed(`${worker.url}/v2/models/${MODEL}/versions/${variant}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: oipBody });

async function main(): Promise<void> {
  const loadBefore = os.loadavg()[0]!;
  log('building and measuring the upload (wrangler deploy --dry-run)');
  const bundleDir = mkdtempSync(path.join(os.tmpdir(), 'pare-edge-upload-'));
  const upload = uploadSize(bundleDir);

  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'pare-edge-bench-'));
  const worker = new LocalWorker(await freePort(), stateDir, randomBytes(16).toString('hex'), bundleDir);
  try {
    await worker.applyMigrations();
    log('starting the worker and deploying fp32 + int8');
    await worker.start();
    const client = new EdgeClient({ endpoint: worker.url, token: worker.token });
    const variants = await buildDefaultVariants();
    for (const v of variants) await client.deployVariant({ model: MODEL, variant: v.variant, bytes: v.bytes, manifest: v.manifest });
    await client.setTraffic(MODEL, { fp32: 50, int8: 50 });
    const sizes = Object.fromEntries(variants.map((v) => [v.variant, { bytes: v.bytes.byteLength, gzip: v.manifest.gzipBytes ?? 0 }]));

    const colds: Array<{ wallMs: number; loadMs: number; totalMs: number; startupMs: number }> = [];
    for (let i = 0; i < COLD_STARTS; i++) {
      await worker.stop();
      const startupMs = await worker.start();
      const first = await inferOn(worker, 'fp32');
      const timing = first.response.headers.get('server-timing');
      colds.push({ wallMs: first.ms, loadMs: loadTiming(timing) ?? Number.NaN, totalMs: serverTiming(timing, 'total') ?? Number.NaN, startupMs });
      log(`cold ${i + 1}/${COLD_STARTS}: first request ${fmt(first.ms, 1)} ms`);
    }
    const int8Cold = await inferOn(worker, 'int8');
    // The same, with D1 already warm (one GET /v1/models first): what ORT init + R2 + session cost on their own.
    const ortColds: number[] = [];
    for (let i = 0; i < COLD_STARTS; i++) {
      await worker.stop();
      await worker.start();
      await timed(`${worker.url}/v1/models`);
      ortColds.push((await inferOn(worker, 'fp32')).ms);
    }

    log(`warm: ${ROUNDS} rounds of health / fp32 / int8, interleaved`);
    for (let i = 0; i < 30; i++) await Promise.all([timed(`${worker.url}/v2/health/live`), inferOn(worker, 'fp32'), inferOn(worker, 'int8')]);
    const warm: Record<'health' | 'fp32' | 'int8', number[]> = { health: [], fp32: [], int8: [] };
    const inIsolate: Record<'fp32' | 'int8', number[]> = { fp32: [], int8: [] };
    for (let i = 0; i < ROUNDS; i++) {
      warm.health.push((await timed(`${worker.url}/v2/health/live`)).ms);
      for (const variant of ['fp32', 'int8'] as const) {
        const { ms, response } = await inferOn(worker, variant);
        warm[variant].push(ms);
        inIsolate[variant].push(serverTiming(response.headers.get('server-timing'), 'run') ?? Number.NaN);
      }
    }

    // The trained spam model (committed by `npm run models`), when present: fp32 student vs its int8 variant.
    const spam = findCommittedVariants(path.join(repoRoot, 'infra', 'models')).filter((v) => v.model === 'spam' && (v.variant === 'student' || v.variant === 'student-int8'));
    const spamWarm: Record<string, { ms: number[]; infer: number[]; bytes: number }> = {};
    if (spam.length === 2) {
      log(`spam: ${ROUNDS} rounds of health / student / student-int8`);
      for (const v of spam) {
        await client.deployVariant({ model: 'spam', variant: v.variant, bytes: v.bytes, manifest: v.manifest });
        spamWarm[v.variant] = { ms: [], infer: [], bytes: v.bytes.byteLength };
      }
      // A fixed-length model takes rows of its own length; the bag student's rows are as long as the text.
      const dim = spam[0]!.manifest.inputs.find((i) => i.name === 'input_ids')?.shape[1];
      const length = typeof dim === 'number' ? dim : 24;
      const ids = Array.from({ length }, (_, i) => (i < 24 ? 5 + i : 0));
      const mask = ids.map((id) => (id === 0 ? 0 : 1));
      const spamBody = JSON.stringify({ inputs: [{ name: 'input_ids', shape: [1, length], datatype: 'INT64', data: ids }, { name: 'attention_mask', shape: [1, length], datatype: 'INT64', data: mask }] });
      const spamInfer = (variant: string) => timed(`${worker.url}/v2/models/spam/versions/${variant}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: spamBody });
      for (let i = 0; i < 20; i++) for (const v of spam) await spamInfer(v.variant);
      for (let i = 0; i < ROUNDS; i++) {
        warm.health.push((await timed(`${worker.url}/v2/health/live`)).ms);
        for (const v of spam) {
          const { ms, response } = await spamInfer(v.variant);
          spamWarm[v.variant]!.ms.push(ms);
          spamWarm[v.variant]!.infer.push(serverTiming(response.headers.get('server-timing'), 'run') ?? Number.NaN);
        }
      }
    }

    const before = await settledEvents(worker.url, MODEL);
    log(`load test: autocannon -c ${CONNECTIONS} -d ${DURATION_S} on POST /v1/models/${MODEL}/predict`);
    const load = await loadTest(`${worker.url}/v1/models/${MODEL}/predict`, predictBody, { connections: CONNECTIONS, durationS: DURATION_S });
    const sent = requestsSent(load);
    const after = await settledEvents(worker.url, MODEL, before + sent);
    const stored = after - before;

    const healthP50 = median(warm.health);
    const rows = (['fp32', 'int8'] as const).map(
      (v) =>
        `| ${v} | ${sizes[v]!.bytes.toLocaleString('en-US')} | ${fmt(median(warm[v]))} | ${fmt(percentile(warm[v], 0.99))} | ${fmt(median(warm[v]) - healthP50)} | ${fmt(mean(inIsolate[v]), 3)} | ${fmt(median(warm[v]) - healthP50 - mean(inIsolate[v]))} |`,
    );
    const coldWall = median(colds.map((c) => c.wallMs));
    const loadAfter = os.loadavg()[0]!;
    const report = [
      '## Edge (local workerd)',
      '',
      `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, the \`wrangler deploy --dry-run\` bundle run by Miniflare (local workerd, local D1/R2/queue), model \`${MODEL}\` (MLP 64-256-256-10; int8 = Pare's quantizeDynamicInt8).`,
      `Machine load average (1 min) ${fmt(loadBefore, 1)} at the start and ${fmt(loadAfter, 1)} at the end, on ${os.cpus().length} cores shared with other work: absolute times are inflated accordingly; the side-by-side ratios are the point.`,
      `Reproduce: \`npx tsx apps/edge/bench/edgeBench.ts --rounds ${ROUNDS} --duration ${DURATION_S} --connections ${CONNECTIONS}\` (writes this section to bench-results/edge.md).`,
      '',
      '| what | result | target |',
      '|---|---|---|',
      `| upload (worker + ORT wasm), raw | ${fmt(upload.rawKiB / 1024)} MiB | |`,
      `| upload, gzipped | ${fmt(upload.gzipKiB / 1024)} MiB (wrangler: "${upload.wranglerLine}") | ≤ 10 MB (paid plan) |`,
      `| cold first request (fresh isolate: ORT init + R2 read + sha256 + session), median of ${COLD_STARTS} restarts (includes opening local D1) | ${fmt(coldWall, 1)} ms client wall; in the isolate ${fmt(median(colds.map((c) => c.totalMs)), 0)} ms, of which R2 read + sha256 + session ${fmt(median(colds.map((c) => c.loadMs)), 0)} ms (ORT's wasm init runs alongside the first D1 reads) | ≤ 250 ms |`,
      `| cold first inference with D1 already warm (ORT init + R2 read + sha256 + session), median of ${COLD_STARTS} restarts | ${fmt(median(ortColds), 1)} ms client wall | ≤ 250 ms |`,
      `| cold first request of the second variant (ORT already up) | ${fmt(int8Cold.ms, 1)} ms | |`,
      `| worker start-up (Miniflare/workerd until /v2/health/live answers) | ${fmt(median(colds.map((c) => c.startupMs)), 0)} ms | |`,
      `| GET /v2/health/live, warm p50 / p99 | ${fmt(healthP50)} / ${fmt(percentile(warm.health, 0.99))} ms | |`,
      '',
      `Warm inference, ${ROUNDS} sequential rounds (health, fp32, int8 interleaved) over keep-alive HTTP, OIP \`/v2/models/${MODEL}/versions/<variant>/infer\`, batch 1:`,
      '',
      '| variant | bytes | p50 ms | p99 ms | p50 over health route ms | in-isolate infer, mean of server-timing ms | serving overhead: p50 over health minus inference ms (target ≤ 1) |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      ...(Object.keys(spamWarm).length === 2
        ? [
            '',
            `The trained \`spam\` model (committed under infra/models/spam by \`npm run models\`), same protocol, ${ROUNDS} rounds, one text of 24 tokens (padded to the model's length where it has one), OIP INT64 inputs (no tokenizer on this path):`,
            '',
            '| variant | bytes | p50 ms | p99 ms | p50 overhead over health route ms | in-isolate infer, mean of server-timing ms |',
            '|---|---|---|---|---|---|',
            ...Object.entries(spamWarm).map(
              ([v, w]) => `| spam/${v} | ${w.bytes.toLocaleString('en-US')} | ${fmt(median(w.ms))} | ${fmt(percentile(w.ms, 0.99))} | ${fmt(median(w.ms) - healthP50)} | ${fmt(mean(w.infer), 3)} |`,
            ),
          ]
        : []),
      '',
      `Loopback load test: autocannon, ${CONNECTIONS} connections, ${DURATION_S} s, \`POST /v1/models/${MODEL}/predict\` (A/B split fp32=50 int8=50, a random unit per request):`,
      '',
      '| requests/s (mean) | p50 ms | p99 ms | requests sent | errors (non-2xx + socket errors + timeouts; target 0) | events in D1 | events / requests (target 1) |',
      '|---|---|---|---|---|---|---|',
      `| ${fmt(load.requests.average, 0)} | ${load.latency.p50} | ${load.latency.p99} | ${sent} | ${load.non2xx + load.errors + load.timeouts} | ${stored} | ${fmt(stored / sent, 3)} |`,
      '',
      'Notes: workerd\'s clock inside the isolate has 1 ms resolution here, so the in-isolate figure is the mean of integer-ms',
      'readings (unbiased over many requests, not per request). In production the clock does not advance during computation at',
      'all: the dashboard\'s latency there should come from the Tail Worker handler\'s cpuTime/wallTime (source `tail_cpu`/`tail_wall`),',
      'while locally it shows the in-isolate wall time (source `isolate`). Events reach D1 through the metrics queue consumer.',
      '',
    ].join('\n');
    mkdirSync(path.join(repoRoot, 'bench-results'), { recursive: true });
    writeFileSync(path.join(repoRoot, 'bench-results', 'edge.md'), report);
    process.stdout.write(report);
  } finally {
    await worker.stop();
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(bundleDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`edge bench: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
