// Hugging Face models served from raw text, all in one run on the fixtures (packages/runtime/test/fixtures/hf):
//   agreement with the Python pipeline's outputs (labels, embedding cosine, entity spans) of Pare's edge, fp32
//   and int8, raw text in · the edge's in-worker session time against onnxruntime-web and onnxruntime-node in
//   Node on the same model and feeds · transformers.js's pipeline in Node (tokenize + run + post) · tokenize
//   time per full 128-token row in workerd · compression forms with their wasm latency and fused operators.
// Run: npx tsx bench/hfBench.ts [--texts 200] [--rounds 2] [--only distilbert-spam,bert-embed] [--fixtures <folder>]
// Writes bench-results/hf.md (a section of BENCHMARKS.md, see bench/runAll.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { compressModel } from '@pare/compress';
import { decodeModel, encodeModel } from '@pare/onnx';
import { runTextTask, textBatchFeeds, type InferenceBackend, type Manifest } from '@pare/runtime';
import { variantManifest } from '@pare/runtime/manifest-builder';
import { nodeBackend } from '@pare/runtime/node';
import { webNodeBackend } from '@pare/runtime/web-node';
import { startLocalEdge } from '../infra/localEdgeWorker';
import { agreement, type Agreement } from './hf/agreement';
import { edgeRun, type EdgeRun } from './hf/edgeTimings';
import { FIXTURES_DIR, fixtureNames, loadFixture, type HfFixture } from './hf/hfFixtures';
import { measureForms, type FormResult } from './hf/transformerForms';
import { transformersJsTiming } from './hf/transformersJs';
import { renderHfReport, type FixtureResult } from './hf/hfReport';

const { values: args } = parseArgs({ options: { texts: { type: 'string', default: '200' }, rounds: { type: 'string', default: '2' }, only: { type: 'string' }, fixtures: { type: 'string' } } });
const TEXTS = Number(args.texts);
const ROUNDS = Number(args.rounds);
const FIXTURES = args.fixtures ?? FIXTURES_DIR;

function log(message: string): void {
  process.stderr.write(`hf bench: ${message}\n`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median session.run milliseconds per text (batch 1) on a backend, with Pare's feeds. */
async function runMs(backend: InferenceBackend, bytes: Uint8Array, fixture: HfFixture, texts: readonly string[] | readonly string[][], rounds = ROUNDS): Promise<number> {
  const session = await backend.createSession(bytes);
  try {
    const feeds = texts.map((t) => textBatchFeeds(fixture.manifest, fixture.tokenizer, typeof t === 'string' ? [t] : t).feeds);
    for (const f of feeds) await session.run(f);
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const f of feeds) {
        const t0 = performance.now();
        await session.run(f);
        times.push(performance.now() - t0);
      }
    }
    return median(times);
  } finally {
    await session.release();
  }
}

/** Pare's whole pipeline in Node (tokenize + run + post), per text. */
async function pareNode(fixture: HfFixture, texts: readonly string[]): Promise<{ msPerText: number; results: unknown[] }> {
  const session = await nodeBackend.createSession(fixture.bytes);
  try {
    const results: unknown[] = [];
    for (const t of texts) results.push((await runTextTask(fixture.manifest, fixture.tokenizer, session, [t])).results[0]);
    const times: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const t of texts) {
        const t0 = performance.now();
        await runTextTask(fixture.manifest, fixture.tokenizer, session, [t]);
        times.push(performance.now() - t0);
      }
    }
    return { msPerText: median(times), results };
  } finally {
    await session.release();
  }
}

/** transformers.js answers in the shapes `agreement` reads (top label; the pooled vector). */
function fromPipeline(task: string, r: unknown): unknown {
  if (task === 'text-classification') {
    const top = (Array.isArray(r) ? r : [r]) as Array<{ label: string; score: number }>;
    return { label: top[0]!.label, scores: Object.fromEntries(top.map((t) => [t.label, t.score])) };
  }
  if (task === 'feature-extraction') return (r as { tolist(): number[][] }).tolist()[0];
  return r;
}

async function benchFixture(worker: Awaited<ReturnType<typeof startLocalEdge>>['worker'], name: string): Promise<FixtureResult> {
  const fixture = await loadFixture(name, FIXTURES);
  const expected = { ...fixture.expected, outputs: fixture.expected.outputs.slice(0, TEXTS) };
  const texts = expected.outputs.map((o) => o.text);
  log(`${name} (${fixture.manifest.task}, ${(fixture.bytes.byteLength / 1024).toFixed(0)} KiB): ${texts.length} texts`);
  const int8Bytes = encodeModel((await compressModel(decodeModel(fixture.bytes).model, { quantize: 'int8-dynamic', perChannel: true })).model);
  const { sha256: _sha, bytes: _bytes, gzipBytes: _gzip, ...fields } = fixture.manifest;
  const int8Manifest: Manifest = await variantManifest(int8Bytes, { ...fields, variant: 'int8' });
  // Texts of one full row each: the longer texts cut after their last token that fits, so they tokenize to about maxLength.
  const fullRowTexts = texts.flatMap((t) => {
    const e = fixture.tokenizer.encode([t]);
    if (!e.truncated[0]) return [];
    return [t.slice(0, Math.max(...e.offsets[0]!.map(([, end]) => end)))];
  });
  const edge: Record<string, EdgeRun> = {};
  for (const v of [{ name: 'fp32', bytes: fixture.bytes, manifest: fixture.manifest }, { name: 'int8', bytes: int8Bytes, manifest: int8Manifest }]) {
    edge[v.name] = await edgeRun(worker, fixture, v, texts, fullRowTexts, ROUNDS);
    log(`  edge ${v.name}: infer ${edge[v.name]!.inferMs.toFixed(3)} ms, tokenize ${edge[v.name]!.tokenizeFullRowMs.toFixed(3)} ms (${edge[v.name]!.fullRows} full rows)`);
  }
  const webMs = await runMs(webNodeBackend, fixture.bytes, fixture, texts);
  const fp32 = edge.fp32!;
  const webBatchMs = fp32.batches.length ? await runMs(webNodeBackend, fixture.bytes, fixture, fp32.batches, Math.max(5, ROUNDS * 5)) : Number.NaN;
  const nodeMs = await runMs(nodeBackend, fixture.bytes, fixture, texts);
  const pare = await pareNode(fixture, texts);
  let tjs: { msPerText: number; agreement?: Agreement } | { error: string };
  try {
    const t = await transformersJsTiming(fixture, texts, ROUNDS);
    const task = fixture.manifest.task;
    tjs = { msPerText: t.msPerText, ...(task === 'token-classification' ? {} : { agreement: agreement(expected, t.results.map((r) => fromPipeline(task, r))) }) };
  } catch (e) {
    tjs = { error: (e instanceof Error ? e.message.split('\n')[0]! : String(e)).slice(0, 160) };
    log(`  transformers.js: ${(tjs as { error: string }).error}`);
  }
  const longest = texts.reduce((a, b) => (b.length > a.length ? b : a));
  const forms: FormResult[] = await measureForms(fixture.bytes, [textBatchFeeds(fixture.manifest, fixture.tokenizer, [longest]).feeds], Math.max(3, ROUNDS * 5), (m) => log(`  ${m}`));
  return {
    name,
    task: fixture.manifest.task,
    texts: texts.length,
    kiB: fixture.bytes.byteLength / 1024,
    agreement: { fp32: agreement(expected, edge.fp32!.results), int8: agreement(expected, edge.int8!.results), pareNode: agreement(expected, pare.results) },
    latency: { edgeInferMs: edge.fp32!.inferMs, edgeInt8InferMs: edge.int8!.inferMs, webNodeMs: webMs, edgeBatchRunMs: fp32.batches.length ? fp32.batchRunMs[0]! : Number.NaN, webBatchMs, nodeMs, pareNodeMs: pare.msPerText, transformersJs: tjs },
    tokenize: { ms: edge.fp32!.tokenizeFullRowMs, rows: edge.fp32!.fullRows, maxLength: fixture.tokenizer.maxLength },
    forms,
  };
}

async function main(): Promise<void> {
  const only = args.only?.split(',').map((s) => s.trim());
  const names = fixtureNames(FIXTURES).filter((n) => !only || only.includes(n));
  if (names.length === 0) throw new Error('no fixture folders with expected.json under packages/runtime/test/fixtures/hf');
  const loadBefore = os.loadavg()[0]!;
  const edge = await startLocalEdge('pare-hf-bench-', randomBytes(24).toString('hex'));
  const results: FixtureResult[] = [];
  try {
    for (const name of names) results.push(await benchFixture(edge.worker, name));
  } finally {
    await edge.stop();
  }
  const out = path.resolve(import.meta.dirname, '../bench-results/hf.md');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, renderHfReport(results, { texts: TEXTS, rounds: ROUNDS, loadBefore, loadAfter: os.loadavg()[0]! }));
  log(`wrote ${path.relative(process.cwd(), out)}`);
}

await main();
