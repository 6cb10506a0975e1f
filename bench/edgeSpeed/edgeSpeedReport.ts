// The edge-speed section of BENCHMARKS.md (bench-results/edge-speed.md), from what bench/edgeSpeedBench.ts measured.
import os from 'node:os';
import type { AutocannonResult } from '../../apps/edge/bench/benchClient';
import { fmt, loadTiming, median, serverTiming, trimmedMean } from '../../apps/edge/bench/latencyStats';
import type { FormRow } from './wasmInt8Forms';
import type { CreationRow } from './sessionCreation';

export interface Cold {
  wallMs: number;
  timing: string;
  /** server-timing `run` of the requests after the first, in order. */
  next: number[];
  /** Their client wall times (a request may wait behind the new session's warm-up runs). */
  nextWall: number[];
}

export interface Warm {
  wall: number[];
  run: number[];
  total: number[];
  node: number[];
  /** The same request through Miniflare's entry worker: client wall and server-timing total. */
  entryWall: number[];
  entryTotal: number[];
}

/** A load test on one way in: `direct` (the Pare worker's own socket) or `entry` (through Miniflare's entry worker). */
export interface LoadRow {
  path: 'direct' | 'entry';
  load: AutocannonResult;
  sent: number;
  stored: number;
}

export interface EdgeSpeedRun {
  colds: Record<string, Cold[]>;
  warm: Record<string, Warm>;
  health: number[];
  entryHealth: number[];
  loads: LoadRow[];
  rows: FormRow[];
  creation: Record<string, CreationRow[]>;
  loadBefore: number;
  loadAfter: number;
  args: { COLDS: number; ROUNDS: number; DURATION_S: number; CONNECTIONS: number };
}

const step = (colds: Cold[], name: string) => fmt(median(colds.map((c) => serverTiming(c.timing, name) ?? Number.NaN)), 0);

/** The module instantiation inside `init` (its description says "<ms> ms instantiating the module"). */
const instantiate = (colds: Cold[]) => fmt(median(colds.map((c) => Number(/init;dur=[\d.]+;desc="[^"]*?([\d.]+) ms instantiating/.exec(c.timing)?.[1] ?? Number.NaN))), 0);

export function renderEdgeSpeed(r: EdgeSpeedRun): string {
  const { COLDS, ROUNDS, DURATION_S, CONNECTIONS } = r.args;
  const coldRows = Object.entries(r.colds).map(([variant, cs]) => {
    const load = median(cs.map((c) => loadTiming(c.timing) ?? Number.NaN));
    return `| ${variant} | ${fmt(median(cs.map((c) => c.wallMs)), 0)} | ${step(cs, 'init')} (${instantiate(cs)}) | ${step(cs, 'assign')} | ${step(cs, 'fetch')} + ${step(cs, 'verify')} | ${step(cs, 'create')} | ${step(cs, 'run')} | ${fmt(load, 0)} |`;
  });
  const firstRows = Object.entries(r.colds).flatMap(([variant, cs]) => (['next', 'nextWall'] as const).map((key) => {
    const first5 = cs.flatMap((c) => c[key].slice(0, 5));
    const steady = median(cs.flatMap((c) => c[key].slice(5)));
    const perPosition = [0, 1, 2, 3, 4].map((k) => fmt(median(cs.map((c) => c[key][k]!)), 0)).join(', ');
    return `| ${variant} | ${key === 'next' ? 'in-worker run' : 'client wall'} | ${perPosition} | ${fmt(Math.max(...first5), 0)} | ${fmt(steady, 1)} | ${fmt(median(first5) / steady, 2)} / ${fmt(Math.max(...first5) / steady, 2)} |`;
  }));
  const healthP50 = median(r.health);
  const warmRows = Object.entries(r.warm).map(([variant, w]) => {
    // workerd's clock reads whole milliseconds: means over the rounds (trimmed), not medians, carry the fractions.
    const overhead = trimmedMean(w.wall.map((ms, i) => ms - w.total[i]!));
    const entryOverhead = trimmedMean(w.entryWall.map((ms, i) => ms - w.entryTotal[i]!));
    return `| ${variant} | ${fmt(trimmedMean(w.run), 2)} | ${fmt(trimmedMean(w.node), 2)} | ${fmt(trimmedMean(w.run) / trimmedMean(w.node), 2)} | ${fmt(median(w.wall), 2)} | ${fmt(overhead, 2)} | ${fmt(median(w.entryWall), 2)} / ${fmt(entryOverhead, 2)} |`;
  });
  const fp32 = r.rows[0]!;
  return [
    '## Edge speed as production sees it (local workerd, straight to the worker)',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}: the \`wrangler deploy --dry-run\` upload run by Miniflare, requests straight to the Pare worker's socket in workerd (no Node proxy and no Miniflare entry worker in front, as in production) unless a table says otherwise, local D1/R2/queue.`,
    `Models: \`spam\` student and teacher (committed under infra/models/spam; the student is a hashed n-gram bag that takes any length, the teacher a 2-layer transformer encoder at 256 tokens) and the teacher's \`int8-dynamic --per-channel\` form made by the bench. Every request is one full row of OIP INT64 ids (128 for the student, the teacher's fixed 256) unless said otherwise.`,
    `Machine load average (1 min) ${fmt(r.loadBefore, 1)} at the start and ${fmt(r.loadAfter, 1)} at the end, on 2 cores shared with other work: absolute times are inflated by it; compare within a table.`,
    `Reproduce: \`npx tsx bench/edgeSpeedBench.ts --colds ${COLDS} --rounds ${ROUNDS} --duration ${DURATION_S} --connections ${CONNECTIONS}\` (or \`npm run bench -- --only edge-speed\`).`,
    '',
    `### Fresh isolate to first answer (median of ${COLDS} restarts each; ms; server-timing split, \`init\` overlaps \`assign\` and \`fetch\`)`,
    '',
    'Each start is a new workerd process whose isolate has answered `/v2/health/live` (script loaded, ORT not started); then one OIP request pinned to the variant. Local workerd serves D1 and R2 on the isolate\'s own thread, so ORT\'s start cannot overlap them here and shows inside `fetch`; in production the reads travel while it runs. Beyond instantiating the module, `init`, `create` and the first `run` are mostly V8 compiling wasm functions on their first call (docs/platform.md).',
    '',
    '| variant | client wall | init (of it instantiating the module) | assign | fetch + verify | create | run | load steps in all |',
    '|---|---|---|---|---|---|---|---|',
    ...coldRows,
    '',
    'Targets: ≤ 300 ms (spam student), ≤ 600 ms (BERT-class int8).',
    '',
    '### The first 5 requests after a session is created, against steady state (ms)',
    '',
    'The first answer creates the session; its warm-up runs after it in `waitUntil` (apps/edge/src/inference/warmUpSession.ts) and the next requests follow at once, so their client wall time includes waiting behind warm-up runs while the in-worker `run` does not.',
    '',
    '| variant | measure | requests 2–6, median per position | worst of them | steady (requests 7–26) | median / worst over steady (target ≤ 1.5) |',
    '|---|---|---|---|---|---|',
    ...firstRows,
    '',
    `### In the worker against onnxruntime-web in Node, and what the worker adds (${ROUNDS} interleaved rounds)`,
    '',
    'End to end is the client\'s wall time of one request on a kept-alive connection; minus in-worker subtracts the request\'s own server-timing `total` (the route\'s work from its first line to the queue send), leaving HTTP, routing and the client. workerd\'s clock reads whole milliseconds, so in-worker figures are means over the rounds with the top and bottom tenth dropped (apps/edge/bench/latencyStats.ts `trimmedMean`), and so are Node\'s beside them.',
    '',
    `| variant | in-worker run ms (mean) | onnxruntime-web in Node ms (mean, same feeds) | in-worker / Node (ratio of the means; target ≤ 1.05) | end to end ms (p50), straight to the worker | end to end minus in-worker total, straight to the worker (mean; target ≤ 1) | through Miniflare's entry worker: end to end (p50) / minus in-worker (mean) |`,
    '|---|---|---|---|---|---|---|',
    ...warmRows,
    '',
    `GET /v2/health/live round trip: p50 ${fmt(healthP50, 2)} ms straight to the worker, ${fmt(median(r.entryHealth), 2)} ms through Miniflare's entry worker. Production resembles the straight path: Cloudflare's front end hands a request to the isolate without wrangler dev's Node proxy (which this bench does not measure; \`npm run dev\` goes through it) and without Miniflare's entry worker (a JavaScript router in the same workerd that local development runs before every request; \`LocalWorker.directUrl()\` in infra/localEdgeWorker.ts binds a socket to the Pare worker itself).`,
    '',
    `### Throughput: \`POST /v1/models/spam/predict\` with a text (student, tokenizer included), autocannon ${CONNECTIONS} connections, ${DURATION_S} s`,
    '',
    '| way in | requests/s (mean) | p50 ms | p99 ms | requests sent | errors (non-2xx + socket errors + timeouts) | events in D1 | events / requests |',
    '|---|---|---|---|---|---|---|---|',
    ...r.loads.map((l) => `| ${l.path === 'direct' ? 'straight to the worker' : "through Miniflare's entry worker"} | ${fmt(l.load.requests.average, 0)} | ${l.load.latency.p50} | ${l.load.latency.p99} | ${l.sent} | ${l.load.non2xx + l.load.errors + l.load.timeouts} | ${l.stored} | ${fmt(l.stored / l.sent, 3)} |`),
    '',
    'Target: ≥ 1,000 req/s straight to the worker on two cores, 0 errors, events = requests. The load generator, the local queue broker, its consumer and D1 share the two cores with the worker (in production the queue and D1 run elsewhere).',
    '',
    `### int8 forms in wasm on the teacher's full row (256 tokens) (onnxruntime-web, one thread, under Node; ${ROUNDS} interleaved rounds)`,
    '',
    '| form | bytes | ms (p50) | / fp32 | output cosine to fp32 |',
    '|---|---|---|---|---|',
    ...r.rows.map((row) => `| ${row.form} | ${row.bytes.toLocaleString('en-US')} | ${fmt(row.ms, 1)} | ${fmt(row.ratio, 3)} | ${row.cosine.toFixed(5)} |`),
    '',
    `Target: int8 / fp32 ≤ 0.5 (fp32 here: ${fmt(fp32.ms, 1)} ms). docs/quantization-forms.md says which form \`int8-dynamic\` emits and why.`,
    '',
    '### Session creation in wasm (onnxruntime-web, one thread, under Node; median of 5 interleaved rounds)',
    '',
    'Each round creates a session per setting, runs it six times (the sixth stands for steady state) and releases it.',
    '',
    '| model | setting | bytes | create ms | run ms (sixth) |',
    '|---|---|---|---|---|',
    ...Object.entries(r.creation).flatMap(([model, rows]) => rows.map((row) => `| ${model} | ${row.setting} | ${row.bytes.toLocaleString('en-US')} | ${fmt(row.createMs, 1)} | ${fmt(row.runMs, 2)} |`)),
    '',
  ].join('\n');
}
