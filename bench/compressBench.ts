// `npm run bench`: Pare's compression side by side with onnxruntime's own quantizer on real pre-trained
// models, in one run, on the same inputs; writes bench-results/compress.md. See bench/README in that file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { constantsToInitializers, decodeModel, encodeModel, upgradeOpset, type Model } from '@pare/onnx';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  calibrate, compressModel, evaluateFidelity, measureChannelMeans, type BackendEvaluation, type CompressOptions,
} from '@pare/compress';
import { generateInputs, gzipSize, type Feeds } from '@pare/runtime';
import { nodeBackend } from '@pare/runtime/node';
import { webNodeBackend } from '@pare/runtime/web-node';
import { realModels } from '../packages/onnx/test/fixtures';
import { findPython, ortQuantize, type OrtResult } from './ortQuantizer';
import { textImages } from './syntheticInputs';
import { renderReport, type ModelResult, type VariantResult } from './benchReport';

interface BenchModel {
  name: string;
  file: string;
  kind: string;
  input: string;
  shape: number[];
  samples(count: number, seed: number): Feeds[];
}

const MODELS: BenchModel[] = [
  { name: 'PP-OCRv4 det', file: realModels.ocrDet, kind: 'conv-heavy', input: 'x', shape: [1, 3, 256, 256], samples: (n, s) => textImages('x', 256, 256, n, s) },
  { name: 'PP-OCRv4 rec', file: realModels.ocrRec, kind: 'conv + MatMul (SVTR)', input: 'x', shape: [1, 3, 48, 320], samples: (n, s) => textImages('x', 48, 320, n, s) },
  {
    name: 'openWakeWord head', file: realModels.wakeWord, kind: 'Gemm/MatMul', input: 'onnx::Flatten_0', shape: [1, 25, 96],
    samples: (n, s) => generateInputs([{ name: 'onnx::Flatten_0', type: 'float32', shape: [1, 25, 96] }], { count: n, seed: s }),
  },
];

const PER_CHANNEL = true;
const CALIBRATION_SAMPLES = 8;
const EVAL_SAMPLES = 4;

/** Pare's variants: every quantization mode, and 50% magnitude pruning + int8 (static for conv via QDQ). */
const VARIANTS: Array<{ label: string; options: CompressOptions }> = [
  { label: 'int8-dynamic', options: { quantize: 'int8-dynamic', perChannel: PER_CHANNEL } },
  { label: 'int8-static', options: { quantize: 'int8-static', perChannel: PER_CHANNEL } },
  { label: 'int8-weights', options: { quantize: 'int8-weights', perChannel: PER_CHANNEL } },
  { label: 'p50 + int8-static', options: { sparsity: 0.5, quantize: 'int8-static', perChannel: PER_CHANNEL } },
  { label: 'p50 + int8-weights', options: { sparsity: 0.5, quantize: 'int8-weights', perChannel: PER_CHANNEL } },
  { label: 'p70 + int8-weights', options: { sparsity: 0.7, quantize: 'int8-weights', perChannel: PER_CHANNEL } },
];

async function measure(label: string, source: string, reference: Uint8Array, bytes: Uint8Array, seconds: number, samples: Feeds[]): Promise<VariantResult> {
  const report = await evaluateFidelity(reference, bytes, samples, [nodeBackend, webNodeBackend], { warmup: 1, timingPasses: 3 });
  const [node, web] = report.backends as [BackendEvaluation, BackendEvaluation];
  return {
    label, source, bytes: bytes.byteLength, gzipBytes: await gzipSize(bytes), seconds,
    cosineMean: node.overall.cosineMean, cosineMin: node.overall.cosineMin, maxAbsError: node.overall.maxAbsError, webCosineMean: web.overall.cosineMean,
    top1: node.overall.top1Agreement,
    nodeLatencyRatio: node.latencyRatio, webLatencyRatio: web.latencyRatio, webFp32Ms: web.reference.runMs, webMs: web.candidate.runMs,
  };
}

async function benchModel(m: BenchModel, python: string | undefined, work: string): Promise<ModelResult> {
  process.stderr.write(`bench: ${m.name}\n`);
  const reference = new Uint8Array(fs.readFileSync(m.file));
  const model: Model = decodeModel(reference).model;
  const calibration = m.samples(CALIBRATION_SAMPLES, 1000);
  const evalSamples = m.samples(EVAL_SAMPLES, 2000);
  const variants: VariantResult[] = [];
  const errors: string[] = [];
  for (const v of VARIANTS) {
    process.stderr.write(`bench:   pare ${v.label}\n`);
    try {
      const t0 = performance.now();
      // As `pare compress --inputs` runs it: static ranges and int8-weights' bias correction from the calibration samples.
      const out = await compressModel(model, v.options, { calibrate: (mm) => calibrate(mm, calibration, nodeBackend, { method: 'minmax' }), channelMeans: (mm, targets) => measureChannelMeans(mm, calibration, nodeBackend, { targets }) });
      const bytes = encodeModel(out.model);
      const seconds = (performance.now() - t0) / 1000;
      variants.push(await measure(v.label, 'pare', reference, bytes, seconds, evalSamples));
    } catch (e) {
      errors.push(`pare ${v.label}: ${(e as Error).message}`);
    }
  }
  let ort: OrtResult | undefined;
  if (python) {
    const dir = fs.mkdtempSync(path.join(work, 'ort-'));
    // onnxruntime's quantizer refuses weights held in Constant nodes ("Expected … to be an initializer"), which
    // the PP-OCR exports use, and writes invalid per-channel DequantizeLinear below opset 13: it gets the model
    // Pare's pipeline sees before quantizing (Constant weights as initializers, opset 13), both lossless.
    const prepared = path.join(dir, path.basename(m.file));
    fs.writeFileSync(prepared, encodeModel(upgradeOpset(constantsToInitializers(model).model, 13).model));
    const files = calibration.map((s, i) => {
      const f = path.join(dir, `calib-${i}.bin`);
      const data = s[m.input]!.data;
      if (Array.isArray(data)) throw new Error(`bench: ${m.file}: input "${m.input}" is a string tensor; the quantizer bench needs numbers`);
      fs.writeFileSync(f, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      return f;
    });
    process.stderr.write('bench:   onnxruntime quantize_dynamic / quantize_static\n');
    ort = ortQuantize(python, { model: prepared, outDir: dir, inputName: m.input, calibration: files, shape: m.shape, modes: ['dynamic', 'static'], perChannel: PER_CHANNEL });
    for (const [mode, r] of Object.entries(ort)) {
      if (!r?.path) { errors.push(`onnxruntime ${mode}: ${r?.error ?? 'no output'}`); continue; }
      try {
        variants.push(await measure(`int8-${mode}`, 'onnxruntime', reference, new Uint8Array(fs.readFileSync(r.path)), r.seconds ?? NaN, evalSamples));
      } catch (e) {
        errors.push(`onnxruntime ${mode}: ${(e as Error).message}`);
      }
    }
  }
  return { name: m.name, kind: m.kind, file: path.basename(m.file), fp32Bytes: reference.byteLength, fp32GzipBytes: await gzipSize(reference), inputShape: m.shape, variants, errors };
}

/**
 * Each model runs in its own process: onnxruntime-web's wasm heap only grows, and after dozens of sessions
 * on the OCR models a run can stall with a promise that never settles (Node then exits silently).
 */
function runIsolated(m: BenchModel, python: string | undefined, work: string): ModelResult {
  const out = path.join(work, `${MODELS.indexOf(m)}.json`);
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  const child = spawnSync(process.execPath, [tsx, fileURLToPath(import.meta.url), '--one', m.name, out, python ?? ''], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (child.status !== 0 || !fs.existsSync(out)) {
    return { name: m.name, kind: m.kind, file: path.basename(m.file), fp32Bytes: fs.statSync(m.file).size, fp32GzipBytes: NaN, inputShape: m.shape, variants: [], errors: [`bench process for ${m.name} failed (exit ${child.status}, signal ${child.signal})`] };
  }
  return JSON.parse(fs.readFileSync(out, 'utf8')) as ModelResult;
}

async function runOne(name: string, out: string, python: string): Promise<void> {
  const m = MODELS.find((x) => x.name === name)!;
  let finished = false;
  process.on('exit', () => {
    if (!finished) { process.stderr.write(`bench: ${name} stopped before finishing (a runtime call never settled)\n`); process.exitCode = 1; }
  });
  const result = await benchModel(m, python || undefined, path.dirname(out));
  fs.writeFileSync(out, JSON.stringify(result));
  finished = true;
}

async function main(): Promise<void> {
  const started = Date.now();
  const { python, why } = findPython();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pare-bench-'));
  const only = process.argv.slice(2);
  const results: ModelResult[] = [];
  for (const m of MODELS) if (only.length === 0 || only.some((o) => m.name.toLowerCase().includes(o.toLowerCase()))) results.push(runIsolated(m, python, work));
  fs.rmSync(work, { recursive: true, force: true });
  const markdown = renderReport(results, {
    ortNote: python ? undefined : why,
    command: `npm run bench${only.length ? ` -- ${only.join(' ')}` : ''}`,
    machine: `${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    seconds: (Date.now() - started) / 1000,
    perChannel: PER_CHANNEL,
    calibrationSamples: CALIBRATION_SAMPLES,
    evalSamples: EVAL_SAMPLES,
    notes: fs.existsSync('bench/compressNotes.md') ? fs.readFileSync('bench/compressNotes.md', 'utf8') : undefined,
  });
  fs.mkdirSync('bench-results', { recursive: true });
  fs.writeFileSync('bench-results/compress.md', markdown);
  process.stdout.write(markdown);
}

if (process.argv[2] === '--one') await runOne(process.argv[3]!, process.argv[4]!, process.argv[5] ?? '');
else await main();
