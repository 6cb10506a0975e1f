// `npm run bench -- --only weight-forms`: every weight form Pare writes (int8 weight-only per-channel, int8
// dynamic, 4-bit MatMulNBits symmetric/asymmetric at block 32 and 128, fp16) on real pre-trained models and one
// MatMul MLP, judged on representative inputs (speech-like audio through the audio chain, rendered text lines,
// Silero VAD streamed over 64 chunks with its state fed back): size, output cosine (mean/min), and latency in
// onnxruntime-node and -web (wasm) relative to fp32, as stored and as served (constant dequantization folded at
// load). Side by side with onnxruntime's own quantizer (quantize_dynamic, MatMul4BitsQuantizer).
// Writes bench-results/weight-forms.md. Run: npx tsx bench/formsBench.ts [--quick]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { decodeModel, encodeModel, type Model } from '@pare/onnx';
import { compressModel, evaluateFidelity, type BackendEvaluation, type CompressOptions } from '@pare/compress';
import { servedModel, servingBackend, type Feeds, type InferenceBackend } from '@pare/runtime';
import { nodeBackend } from '@pare/runtime/node';
import { webNodeBackend } from '@pare/runtime/web-node';
import { realModels } from '../packages/onnx/test/fixtures';
import { mlp } from '../packages/compress/test/builtModels';
import { documentImage } from '../packages/compress/test/inputs';
import { floatFeed } from '../packages/compress/test/runtimes';
import { speechLikeAudio, streamFidelity, streamVad, VAD_CHUNK } from '../packages/compress/test/recurrentStream';
import { findPython } from './ortQuantizer';

const quick = process.argv.includes('--quick');
const SAMPLES = quick ? 2 : 4;
const VAD_CHUNKS = 64;

const FORMS: Array<{ label: string; options: CompressOptions }> = [
  { label: 'int8-weights per-channel', options: { quantize: 'int8-weights', perChannel: true } },
  { label: 'int8-dynamic per-channel', options: { quantize: 'int8-dynamic', perChannel: true } },
  { label: 'int4-weights block 32', options: { quantize: 'int4-weights', perChannel: true, blockSize: 32 } },
  { label: 'int4-weights block 32 asym', options: { quantize: 'int4-weights', perChannel: true, blockSize: 32, asymmetric: true } },
  { label: 'int4-weights block 128', options: { quantize: 'int4-weights', perChannel: true, blockSize: 128 } },
  { label: 'int4-weights block 128 asym', options: { quantize: 'int4-weights', perChannel: true, blockSize: 128, asymmetric: true } },
  { label: 'fp16', options: { quantize: 'fp16' } },
];

interface BenchModel { name: string; kind: string; model: Model; samples: Feeds[] }

/** The openWakeWord chain on speech-like audio: samples → log-mel frames → 96-d embeddings → the wake-word head. */
async function audioChain(): Promise<{ audio: Feeds[]; mel: Feeds[]; head: Feeds[] }> {
  const audio: Feeds[] = [];
  const mel: Feeds[] = [];
  const head: Feeds[] = [];
  const melSession = await nodeBackend.createSession(fs.readFileSync(realModels.melSpectrogram));
  const embSession = await nodeBackend.createSession(fs.readFileSync(realModels.speechEmbedding));
  for (let s = 0; s < SAMPLES; s++) {
    // The head reads 25 embeddings: 76 + 24·8 = 268 mel frames, 2.7 s of audio at 160 samples per frame.
    const samples = speechLikeAudio(48_000, 10 + s);
    audio.push({ input: { type: 'float32', data: samples, dims: [1, samples.length] } });
    const frames = (await melSession.run({ input: { type: 'float32', data: samples, dims: [1, samples.length] } }))[melSession.outputs[0]!.name]!;
    const data = Float32Array.from(frames.data as Float32Array, (v) => v / 10 + 2); // openWakeWord's scaling
    const count = data.length / 32;
    const windows: Float32Array[] = [];
    for (let w = 0; w + 76 <= count && windows.length < HEAD_FRAMES; w += 8) windows.push(data.slice(w * 32, (w + 76) * 32));
    mel.push({ input_1: { type: 'float32', data: windows[0]!, dims: [1, 76, 32, 1] } });
    const vectors: Float32Array[] = [];
    for (const win of windows) vectors.push(Float32Array.from((await embSession.run({ input_1: { type: 'float32', data: win, dims: [1, 76, 32, 1] } }))[embSession.outputs[0]!.name]!.data as Float32Array));
    const flat = new Float32Array(HEAD_FRAMES * 96);
    vectors.forEach((v, i) => flat.set(v.subarray(0, 96), i * 96));
    head.push({ [headInput]: { type: 'float32', data: flat, dims: [1, HEAD_FRAMES, 96] } });
  }
  await melSession.release();
  await embSession.release();
  return { audio, mel, head };
}

const HEAD_FRAMES = 25;
const headInput = decodeModel(fs.readFileSync(realModels.wakeWord)).model.graph!.input[0]!.name!;

function load(file: string): Model {
  return decodeModel(fs.readFileSync(file)).model;
}

interface Row { model: string; form: string; ratio: number; cosMean?: number; cosMin?: number; webCos?: number; node?: number; web?: number; webStored?: number; note?: string }

const served: InferenceBackend[] = [servingBackend(nodeBackend), servingBackend(webNodeBackend)];

async function measure(name: string, form: string, reference: Uint8Array, bytes: Uint8Array, samples: Feeds[], storedToo: boolean): Promise<Row> {
  const report = await evaluateFidelity(reference, bytes, samples, served, { warmup: 5, timingPasses: quick ? 3 : 10 });
  const [node, web] = report.backends as [BackendEvaluation, BackendEvaluation];
  const row: Row = { model: name, form, ratio: bytes.byteLength / reference.byteLength, cosMean: node.overall.cosineMean, cosMin: node.overall.cosineMin, webCos: web.overall.cosineMean, node: node.latencyRatio, web: web.latencyRatio };
  if (storedToo) {
    const stored = await evaluateFidelity(reference, bytes, samples.slice(0, 1), [webNodeBackend], { warmup: 5, timingPasses: quick ? 3 : 10 });
    row.webStored = (stored.backends[0] as BackendEvaluation).latencyRatio;
  }
  return row;
}

async function benchModel(m: BenchModel, rows: Row[], ort: OrtForms | undefined, work: string): Promise<void> {
  process.stderr.write(`bench: ${m.name}\n`);
  const reference = encodeModel(m.model);
  // fp32 against itself: how far apart two identical sessions time on this machine right now.
  rows.push({ ...(await measure(m.name, 'fp32 (timing control)', reference, reference, m.samples, false)), note: 'same bytes as the reference' });
  for (const f of FORMS) {
    try {
      const out = encodeModel((await compressModel(m.model, f.options)).model);
      rows.push(await measure(m.name, f.label, reference, out, m.samples, f.options.quantize === 'int8-weights'));
    } catch (e) {
      rows.push({ model: m.name, form: f.label, ratio: NaN, note: (e as Error).message.split('\n')[0]!.slice(0, 120) });
    }
  }
  if (!ort) return;
  const file = path.join(work, `${m.name.replace(/\W+/g, '_')}.onnx`);
  fs.writeFileSync(file, reference);
  for (const [form, result] of Object.entries(ort(file))) {
    if (result.error || !result.path) { rows.push({ model: m.name, form: `onnxruntime ${form}`, ratio: NaN, note: result.error?.split('\n').pop()?.slice(0, 120) }); continue; }
    try {
      rows.push(await measure(m.name, `onnxruntime ${form}`, reference, new Uint8Array(fs.readFileSync(result.path)), m.samples, false));
    } catch (e) {
      rows.push({ model: m.name, form: `onnxruntime ${form}`, ratio: NaN, note: (e as Error).message.split('\n')[0]!.slice(0, 120) });
    }
  }
}

type OrtForms = (file: string) => Record<string, { path?: string; error?: string }>;

function ortForms(python: string, work: string): OrtForms {
  return (file) => {
    const run = spawnSync(python, [path.resolve('bench/ort_forms.py'), file, work], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (run.status !== 0) return { all: { error: run.stderr.slice(-300) } };
    return JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, { path?: string; error?: string }>;
  };
}

async function benchVad(rows: Row[]): Promise<void> {
  process.stderr.write('bench: Silero VAD (streamed)\n');
  const model = load(realModels.sileroVad);
  const reference = encodeModel(model);
  const audio = speechLikeAudio(VAD_CHUNK * VAD_CHUNKS, 1);
  const timed = async (backend: 'node' | 'web', bytes: Uint8Array) => {
    const t0 = performance.now();
    const s = await streamVad(backend, bytes, audio, VAD_CHUNKS);
    return { s, ms: performance.now() - t0 };
  };
  const ref = { node: await timed('node', reference), web: await timed('web', reference) };
  for (const f of FORMS.filter((x) => x.options.quantize !== 'int8-dynamic' && !x.options.asymmetric)) {
    const stored = encodeModel((await compressModel(model, f.options)).model);
    const bytes = servedModel(stored).bytes;
    const node = await timed('node', bytes);
    const web = await timed('web', bytes);
    const fid = streamFidelity(ref.web.s, web.s);
    rows.push({
      model: 'Silero VAD (64 chunks, state fed back)', form: f.label, ratio: stored.byteLength / reference.byteLength,
      cosMean: fid.probabilityCosine, cosMin: fid.minStateCosine, node: node.ms / ref.node.ms, web: web.ms / ref.web.ms,
      note: `max probability gap ${fid.maxProbabilityGap.toFixed(4)}; latency is the whole stream incl. session creation`,
    });
  }
}

const fmt = (x: number | undefined, d = 3) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(d));

function render(rows: Row[], ortNote: string): string {
  const lines = [
    '# Weight forms on real models: size, fidelity, latency as served',
    '',
    `Reproduce: \`npx tsx bench/formsBench.ts\` (or \`npm run bench -- --only weight-forms\`). ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), ` +
      'onnxruntime-node 1.30 (one thread) and onnxruntime-web 1.30 wasm (one thread, under Node). Size is the .onnx file relative to fp32; ' +
      'cosine is the output cosine to fp32 in onnxruntime-node (mean and min over the samples; for Silero VAD the speech-probability ' +
      'sequence and the worst LSTM state over 64 streamed chunks); latency ratios are against fp32 in the same run, **as served** ' +
      '(servedModel: constant DequantizeLinear and fp16 Casts folded at load) and, for int8-weights, wasm as stored.',
    '',
    ortNote,
    '',
    '| model | form | size / fp32 | cosine mean | cosine min | wasm cosine | node latency | wasm latency (served) | wasm latency (stored) | note |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.model} | ${r.form} | ${fmt(r.ratio)} | ${fmt(r.cosMean, 5)} | ${fmt(r.cosMin, 5)} | ${fmt(r.webCos, 5)} | ${fmt(r.node, 2)} | ${fmt(r.web, 2)} | ${fmt(r.webStored, 2)} | ${r.note ?? ''} |`),
  ];
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pare-forms-'));
  const { python, why } = findPython();
  const ort = python ? ortForms(python, work) : undefined;
  const chain = await audioChain();
  const models: BenchModel[] = [
    { name: 'MLP 256-1024-1024-10 (random weights)', kind: 'MatMul', model: mlp([256, 1024, 1024, 10]), samples: Array.from({ length: SAMPLES }, (_, i) => floatFeed('x', [4, 256], i + 1)) },
    { name: 'PP-OCRv4 rec', kind: 'conv + transformer MatMul', model: load(realModels.ocrRec), samples: Array.from({ length: SAMPLES }, (_, i) => documentImage(48, 320, i + 1)) },
    { name: 'openWakeWord melspectrogram', kind: 'audio front end', model: load(realModels.melSpectrogram), samples: chain.audio },
    { name: 'openWakeWord speech embedding', kind: 'CNN', model: load(realModels.speechEmbedding), samples: chain.mel },
    { name: 'openWakeWord head', kind: 'Gemm/MatMul', model: load(realModels.wakeWord), samples: chain.head },
  ];
  const rows: Row[] = [];
  for (const m of models) await benchModel(m, rows, ort, work);
  await benchVad(rows);
  const ortNote = python ? 'onnxruntime rows: `bench/ort_forms.py` (quantize_dynamic per-channel; MatMul4BitsQuantizer block 32 symmetric).' : `onnxruntime's quantizer not run: ${why}.`;
  fs.mkdirSync('bench-results', { recursive: true });
  fs.writeFileSync('bench-results/weight-forms.md', render(rows, ortNote));
  process.stdout.write(render(rows, ortNote));
}

await main();
