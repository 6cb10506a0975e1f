// Which emitted int8 form runs fastest in onnxruntime-web's wasm build (one thread, under Node)?
// Every variant of a model gets a session first; then rounds run each session in turn (interleaved, so
// machine noise hits every variant alike) and the median per variant is reported with its ratio to fp32.
// Run: npx tsx packages/compress/bench/benchForms.ts [--out bench-results/quantize-forms.table.md] [--quick] [--node]
// (bench-results/quantize-forms.md is the write-up around that table; do not overwrite it.)
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { constantsToInitializers, decodeModel, encodeModel, type Model } from '@pare/onnx';
import type { Feeds } from '@pare/runtime';
import { quantizeDynamicInt8 } from '../src/quantize/quantizeDynamicInt8';
import { quantizeStaticInt8 } from '../src/quantize/quantizeStaticInt8';
import { quantizeWeightsInt8 } from '../src/quantize/quantizeWeightsInt8';
import { calibrate } from '../src/calibrate/calibrate';
import { convNet, mlp } from '../test/builtModels';
import { realModels as realModelPaths } from '../../onnx/test/fixtures';
import { documentImage } from '../test/inputs';
import { backends, createSession, floatFeed, minCosine, runModel, type Runtime } from '../test/runtimes';
import { upgradeOpset } from '@pare/onnx';

interface Variant { name: string; model: Model; passMs?: number }
interface Row { model: string; variant: string; bytes: number; ms: number; ratio: number; cosine: number; passMs?: number }

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outPath = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
const runtime: Runtime = args.includes('--node') ? 'node' : 'web';

async function bench(label: string, variants: Variant[], feed: Feeds, rounds: number, perRound: number): Promise<Row[]> {
  const fp32 = variants[0]!;
  const sessions = [];
  for (const v of variants) {
    const bytes = encodeModel(v.model);
    const session = await createSession(runtime, bytes);
    const feeds = feed;
    for (let i = 0; i < 3; i++) await session.run(feeds);
    const out = await runModel(runtime, bytes, [feed]);
    sessions.push({ v, bytes: bytes.byteLength, session, feeds, times: [] as number[], cosine: minCosine(await runModel(runtime, encodeModel(fp32.model), [feed]), out) });
  }
  for (let r = 0; r < rounds; r++) {
    for (const s of sessions) {
      const t0 = performance.now();
      for (let i = 0; i < perRound; i++) await s.session.run(s.feeds);
      s.times.push((performance.now() - t0) / perRound);
    }
  }
  const med = (t: number[]): number => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)]!;
  const base = med(sessions[0]!.times);
  const rows = sessions.map((s) => ({ model: label, variant: s.v.name, bytes: s.bytes, ms: med(s.times), ratio: med(s.times) / base, cosine: s.cosine, passMs: s.v.passMs }));
  for (const s of sessions) await s.session.release();
  for (const r of rows) console.log(`${r.model.padEnd(28)} ${r.variant.padEnd(44)} ${(r.bytes / 1e6).toFixed(2).padStart(6)} MB ${r.ms.toFixed(3).padStart(8)} ms  x${r.ratio.toFixed(2)}  cos ${r.cosine.toFixed(5)}`);
  return rows;
}

/** Run a pass and keep how long it took (the compress-time column). */
function timed(name: string, make: () => Model): Variant {
  const t0 = performance.now();
  const model = make();
  return { name, model, passMs: performance.now() - t0 };
}

function dynamicVariants(model: Model): Variant[] {
  const v: Variant[] = [{ name: 'fp32', model }];
  for (const form of ['matmul-integer', 'dynamic-quantize-matmul', 'weight-only', 'matmul-nbits'] as const) {
    for (const perChannel of form === 'matmul-nbits' ? [true] : [false, true]) {
      try {
        v.push(timed(`${form} ${form === 'matmul-nbits' ? 'block 128' : perChannel ? 'per-channel' : 'per-tensor'}`, () => quantizeDynamicInt8(model, { form, perChannel }).model));
      } catch (e) {
        console.log(`skip ${form}: ${(e as Error).message}`);
      }
    }
  }
  return v;
}

async function staticVariants(model: Model, samples: Feeds[]): Promise<Variant[]> {
  const t0 = performance.now();
  const ranges = await calibrate(model, samples, backends.node);
  const calMs = performance.now() - t0;
  const withCal = (v: Variant): Variant => ({ ...v, passMs: (v.passMs ?? 0) + calMs });
  return [
    { name: 'fp32', model },
    withCal(timed('static QDQ uint8 act, per-channel', () => quantizeStaticInt8(model, { ranges, activationType: 'uint8' }).model)),
    withCal(timed('static QDQ int8 act, per-channel', () => quantizeStaticInt8(model, { ranges, activationType: 'int8' }).model)),
    withCal(timed('static QDQ uint8 act, per-tensor', () => quantizeStaticInt8(model, { ranges, activationType: 'uint8', perChannel: false }).model)),
    timed('weight-only int8 (asymmetric, per-channel)', () => quantizeWeightsInt8(model, {}).model),
    timed('dynamic (default form)', () => quantizeDynamicInt8(model, {}).model),
  ];
}

function load(path: string): Model {
  return upgradeOpset(constantsToInitializers(decodeModel(readFileSync(path)).model).model, 13).model;
}

const rounds = quick ? 5 : 15;
const rows: Row[] = [];
const m = mlp([256, 1024, 1024, 10]);
rows.push(...(await bench('MLP 256-1024-1024-10, batch 1', dynamicVariants(m), floatFeed('x', [1, 256], 1), rounds, 200)));
rows.push(...(await bench('MLP 256-1024-1024-10, batch 32', dynamicVariants(m), floatFeed('x', [32, 256], 1), rounds, 10)));
const rec = load(realModelPaths.ocrRec);
const recFeed = documentImage(48, 320, 3);
rows.push(...(await bench('PP-OCRv4 rec 1x3x48x320', dynamicVariants(rec), recFeed, quick ? 3 : 9, 2)));
const conv = convNet();
rows.push(...(await bench('conv net 3x32x32, batch 8', await staticVariants(conv, [1, 2, 3, 4].map((s) => floatFeed('x', [8, 3, 32, 32], s))), floatFeed('x', [8, 3, 32, 32], 9), rounds, 20)));
const cls = load(realModelPaths.ocrCls);
rows.push(...(await bench('PP-OCR cls 1x3x48x192', await staticVariants(cls, [1, 2, 3, 4].map((s) => documentImage(48, 192, s))), documentImage(48, 192, 9), rounds, 10)));
rows.push(...(await bench('PP-OCRv4 rec 1x3x48x320', await staticVariants(rec, [1, 2, 4].map((s) => documentImage(48, 320, s))), recFeed, quick ? 3 : 9, 2)));
const det = load(realModelPaths.ocrDet);
rows.push(...(await bench('PP-OCRv4 det 1x3x320x320', await staticVariants(det, [1, 2, 3].map((s) => documentImage(320, 320, s))), documentImage(320, 320, 9), quick ? 3 : 7, 1)));

if (outPath) {
  const lines = [
    '| model | variant | bytes | size vs fp32 | ms / run (median) | time vs fp32 | min output cosine vs fp32 | pass ms (incl. calibration) |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => {
      const fp = rows.find((x) => x.model === r.model && x.variant === 'fp32')!;
      return `| ${r.model} | ${r.variant} | ${r.bytes.toLocaleString('en-US')} | ${(r.bytes / fp.bytes).toFixed(3)} | ${r.ms.toFixed(3)} | ${r.ratio.toFixed(2)} | ${r.cosine.toFixed(5)} | ${r.passMs === undefined ? '' : r.passMs.toFixed(0)} |`;
    }),
  ];
  const header = `Measured ${new Date().toISOString()} on ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores visible), Node ${process.version}, onnxruntime-${runtime === 'web' ? 'web 1.30.0 wasm, numThreads 1' : 'node 1.30.0 CPU, 1 intra-op thread'}, graph optimization "all".`;
  writeFileSync(outPath, `${header}\n\n${lines.join('\n')}\n`);
}
