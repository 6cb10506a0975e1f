// Edge speed as production sees it, side by side in one run. The worker is the `wrangler deploy --dry-run`
// upload run by Miniflare: requests go straight to workerd (no Node proxy in front, as in production), to the Pare
// worker's own socket (no Miniflare entry worker in front either) unless a table says otherwise, with
// local D1, R2 and the metrics queue. Models: the committed `spam` student (a hashed n-gram bag, any length) and
// teacher (a 2-layer transformer encoder at 256 tokens) with its int8-dynamic form made here.
//   1. fresh isolate to first answer (restart, then one OIP request), with the server-timing split
//   2. the first 5 requests after a session is created (its warm-up runs in waitUntil) against steady state
//   3. in-worker run (server-timing `run`) against onnxruntime-web in Node, same model and feeds
//   4. end to end minus in-worker, straight to the worker's socket and through Miniflare's entry worker (and the
//      health route's round trip both ways)
//   5. spam predict throughput both ways, with events in D1 against requests sent
//   6. int8 / fp32 in wasm on the teacher's full row, every int8 form (edgeSpeed/wasmInt8Forms.ts)
//   7. session creation per graph optimisation level and from a pre-optimised model (edgeSpeed/sessionCreation.ts)
// Run: npx tsx bench/edgeSpeedBench.ts [--colds 3] [--rounds 40] [--duration 10] [--connections 8]
// Writes bench-results/edge-speed.md.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EdgeClient } from '@pare/clients';
import { compressModel } from '@pare/compress';
import { decodeModel, encodeModel } from '@pare/onnx';
import type { Feeds, InferenceSession, Manifest } from '@pare/runtime';
import { compressedManifest } from '@pare/runtime/manifest-builder';
import { webNodeBackend } from '@pare/runtime/web-node';
import { findCommittedVariants } from '../infra/models/committedVariants';
import { buildUpload, freePort, LocalWorker, repoRoot } from '../infra/localEdgeWorker';
import { loadTest, requestsSent, settledEvents, timed } from '../apps/edge/bench/benchClient';
import { fmt, serverTiming } from '../apps/edge/bench/latencyStats';
import { compareInWasm, int8Forms } from './edgeSpeed/wasmInt8Forms';
import { sessionCreation, type CreationRow } from './edgeSpeed/sessionCreation';
import { renderEdgeSpeed, type Cold, type LoadRow, type Warm } from './edgeSpeed/edgeSpeedReport';

const { values: args } = parseArgs({ options: { colds: { type: 'string', default: '3' }, rounds: { type: 'string', default: '40' }, duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '8' } } });
const COLDS = Number(args.colds);
const ROUNDS = Number(args.rounds);
const DURATION_S = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const MODEL = 'spam';
const LENGTH = 128;

function log(message: string): void {
  process.stderr.write(`edge-speed bench: ${message}\n`);
}

/**
 * One full row of token ids (no padding) for a variant: its fixed sequence length (the teacher's 256), or
 * LENGTH for a model whose length is free (the hashed n-gram student). The serving shape at its largest.
 */
function fullRow(manifest: Manifest): { length: number; oipBody: string; feeds: Feeds } {
  const fixed = manifest.inputs[0]?.shape[1];
  const length = typeof fixed === 'number' ? fixed : LENGTH;
  const ids = Array.from({ length }, (_, i) => 5 + ((i * 37) % 900));
  const mask = ids.map(() => 1);
  return {
    length,
    oipBody: JSON.stringify({ inputs: [{ name: 'input_ids', shape: [1, length], datatype: 'INT64', data: ids }, { name: 'attention_mask', shape: [1, length], datatype: 'INT64', data: mask }] }),
    feeds: {
      input_ids: { type: 'int64', dims: [1, length], data: BigInt64Array.from(ids, BigInt) },
      attention_mask: { type: 'int64', dims: [1, length], data: BigInt64Array.from(mask, BigInt) },
    },
  };
}
const predictBody = JSON.stringify({ text: 'WIN a FREE prize now, click here to claim your reward before midnight' });

async function main(): Promise<void> {
  const loadBefore = os.loadavg()[0]!;
  const committed = findCommittedVariants(path.join(repoRoot, 'infra', 'models')).filter((v) => v.model === MODEL && (v.variant === 'student' || v.variant === 'teacher'));
  if (committed.length !== 2) throw new Error('infra/models/spam/{student,teacher} are missing (npm run models writes them)');
  const teacher = committed.find((v) => v.variant === 'teacher')!;
  log('making the teacher\'s int8-dynamic form');
  const int8 = await compressModel(decodeModel(teacher.bytes).model, { quantize: 'int8-dynamic', perChannel: true });
  const int8Bytes = encodeModel(int8.model);
  const int8Manifest = await compressedManifest(teacher.manifest, int8Bytes, { variant: 'teacher-int8', passes: [{ name: 'quantize-int8-dynamic', options: { perChannel: true } }] });
  const variants = [...committed, { model: MODEL, variant: 'teacher-int8', bytes: int8Bytes, manifest: int8Manifest }];
  const fullRows = Object.fromEntries(variants.map((v) => [v.variant, fullRow(v.manifest)]));

  // Created before the worker starts: a pause between requests lets the worker close the client's kept-alive socket.
  const nodeSessions: Record<string, InferenceSession> = {};
  for (const v of ['student', 'teacher-int8']) nodeSessions[v] = await webNodeBackend.createSession(variants.find((x) => x.variant === v)!.bytes);
  const bundleDir = mkdtempSync(path.join(os.tmpdir(), 'pare-speed-upload-'));
  buildUpload(bundleDir);
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'pare-speed-state-'));
  const worker = new LocalWorker(await freePort(), stateDir, randomBytes(16).toString('hex'), bundleDir);
  // Two ways in: the Pare worker's own socket (`direct`, as production's front end hands a request to the isolate)
  // and Miniflare's entry worker (worker.url, a JS router local development puts in front of every request).
  let direct = '';
  const restart = async (): Promise<void> => {
    await worker.stop();
    await worker.start();
    direct = await worker.directUrl();
  };
  const infer = (variant: string, base = direct) => timed(`${base}/v2/models/${MODEL}/versions/${variant}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: fullRows[variant]!.oipBody });
  try {
    await worker.applyMigrations();
    await worker.start();
    direct = await worker.directUrl();
    const client = new EdgeClient({ endpoint: worker.url, token: worker.token });
    for (const v of variants) await client.deployVariant({ model: MODEL, variant: v.variant, bytes: v.bytes, manifest: v.manifest });
    await client.setTraffic(MODEL, { student: 100, teacher: 0, 'teacher-int8': 0 });

    // 1 + 2: a fresh isolate per start; its first answer, then the next requests on the same session.
    const colds: Record<string, Cold[]> = { student: [], 'teacher-int8': [], teacher: [] };
    for (let i = 0; i < COLDS; i++) {
      for (const variant of Object.keys(colds)) {
        await restart();
        const first = await infer(variant);
        const next: number[] = [];
        const nextWall: number[] = [];
        for (let k = 0; k < 5 + 20; k++) {
          const { ms, response } = await infer(variant);
          next.push(serverTiming(response.headers.get('server-timing'), 'run') ?? Number.NaN);
          nextWall.push(ms);
        }
        colds[variant]!.push({ wallMs: first.ms, timing: first.response.headers.get('server-timing') ?? '', next, nextWall });
        log(`cold ${i + 1}/${COLDS} ${variant}: first answer ${fmt(first.ms, 1)} ms (${first.response.headers.get('server-timing')})`);
      }
    }

    // 3 + 4: warm, interleaved: health, in-worker vs end to end, and the same feeds in onnxruntime-web under Node.
    log(`warm: ${ROUNDS} interleaved rounds`);
    const warm: Record<string, Warm> = { student: { wall: [], run: [], total: [], node: [], entryWall: [], entryTotal: [] }, 'teacher-int8': { wall: [], run: [], total: [], node: [], entryWall: [], entryTotal: [] } };
    const health: number[] = [];
    const entryHealth: number[] = [];
    for (let r = 0; r < 5; r++) for (const v of Object.keys(warm)) { await infer(v); await infer(v, worker.url); await nodeSessions[v]!.run(fullRows[v]!.feeds); }
    for (let r = 0; r < ROUNDS; r++) {
      health.push((await timed(`${direct}/v2/health/live`)).ms);
      entryHealth.push((await timed(`${worker.url}/v2/health/live`)).ms);
      for (const v of Object.keys(warm)) {
        const { ms, response } = await infer(v);
        warm[v]!.wall.push(ms);
        const timing = response.headers.get('server-timing');
        warm[v]!.run.push(serverTiming(timing, 'run') ?? Number.NaN);
        warm[v]!.total.push(serverTiming(timing, 'total') ?? Number.NaN);
        const viaEntry = await infer(v, worker.url);
        warm[v]!.entryWall.push(viaEntry.ms);
        warm[v]!.entryTotal.push(serverTiming(viaEntry.response.headers.get('server-timing'), 'total') ?? Number.NaN);
        const t0 = performance.now();
        await nodeSessions[v]!.run(fullRows[v]!.feeds);
        warm[v]!.node.push(performance.now() - t0);
      }
    }
    for (const s of Object.values(nodeSessions)) await s.release();

    // 5: throughput of the text route, straight to the worker and through the entry worker, every request's event counted in D1.
    const loads: LoadRow[] = [];
    for (const [path, base] of [['direct', direct], ['entry', worker.url]] as const) {
      const before = await settledEvents(worker.url, MODEL);
      log(`load test (${path}): autocannon -c ${CONNECTIONS} -d ${DURATION_S} on POST /v1/models/${MODEL}/predict`);
      const load = await loadTest(`${base}/v1/models/${MODEL}/predict`, predictBody, { connections: CONNECTIONS, durationS: DURATION_S });
      const sent = requestsSent(load);
      loads.push({ path, load, sent, stored: (await settledEvents(worker.url, MODEL, before + sent)) - before });
    }
    await worker.stop();

    // 6: int8 forms of the teacher in wasm under Node, interleaved.
    log('int8 forms of the teacher in wasm');
    const rows = await compareInWasm(await int8Forms(teacher.bytes, [fullRows['teacher']!.feeds]), fullRows['teacher']!.feeds, ROUNDS);
    log('session creation per graph optimisation level');
    const creation: Record<string, CreationRow[]> = {};
    for (const v of committed) creation[v.variant] = await sessionCreation(v.bytes, fullRows[v.variant]!.feeds, 5);

    const report = renderEdgeSpeed({ colds, warm, health, entryHealth, loads, rows, creation, loadBefore, loadAfter: os.loadavg()[0]!, args: { COLDS, ROUNDS, DURATION_S, CONNECTIONS } });
    mkdirSync(path.join(repoRoot, 'bench-results'), { recursive: true });
    writeFileSync(path.join(repoRoot, 'bench-results', 'edge-speed.md'), report);
    process.stdout.write(report);
  } finally {
    await worker.stop();
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(bundleDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`edge-speed bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
