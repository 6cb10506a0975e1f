// `npm run bench -- --only fit`: the fitter as a new user runs it — `pare compress model.onnx -o out.onnx
// --max-bytes <30% of the fp32 file>`, nothing else — on every real model of packages/onnx/test/fixtures.ts,
// side by side with onnxruntime's own quantizer, all judged on inputs that represent each model (rendered
// text lines for OCR, speech-like audio with the recurrent state fed back for the VAD). Writes
// bench-results/fit.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { constantsToInitializers, decodeModel, encodeModel, upgradeOpset } from '@pare/onnx';
import { evaluateFidelity, formatBytes } from '@pare/compress';
import { formatInputsFile, generateInputs, type Feeds } from '@pare/runtime';
import { nodeBackend } from '@pare/runtime/node';
import { webNodeBackend } from '@pare/runtime/web-node';
import { realModels } from '../packages/onnx/test/fixtures';
import { findPython, ortQuantize } from './ortQuantizer';
import { textImages } from './syntheticInputs';
import { streamingFidelity, vadSequences } from './streamingJudge';

interface Judged { cosineMean: number; cosineMin: number }

interface FitBenchModel {
  name: string;
  file: string;
  kind: string;
  /** Representative inputs: what the judge runs and what onnxruntime's static quantizer calibrates on. */
  samples?: (count: number, seed: number) => Feeds[];
  /** Single float input for onnxruntime's static quantizer (ort_quantize.py reads one raw float32 input). */
  staticInput?: { name: string; shape: number[] };
  /** A judge of its own (recurrent models): fidelity over streams with the state fed back. */
  judge?: (reference: Uint8Array, candidate: Uint8Array) => Promise<Judged>;
}

const MODELS: FitBenchModel[] = [
  { name: 'PP-OCRv4 det', file: realModels.ocrDet, kind: 'conv, U-Net', samples: (n, s) => textImages('x', 256, 256, n, s), staticInput: { name: 'x', shape: [1, 3, 256, 256] } },
  { name: 'PP-OCRv4 rec', file: realModels.ocrRec, kind: 'conv + MatMul', samples: (n, s) => textImages('x', 48, 320, n, s), staticInput: { name: 'x', shape: [1, 3, 48, 320] } },
  { name: 'PP-OCR cls', file: realModels.ocrCls, kind: 'small conv + Gemm', samples: (n, s) => textImages('x', 48, 192, n, s), staticInput: { name: 'x', shape: [1, 3, 48, 192] } },
  {
    name: 'openWakeWord head', file: realModels.wakeWord, kind: 'Gemm/MatMul',
    samples: (n, s) => generateInputs([{ name: 'onnx::Flatten_0', type: 'float32', shape: [1, 25, 96] }], { count: n, seed: s }),
    staticInput: { name: 'onnx::Flatten_0', shape: [1, 25, 96] },
  },
  { name: 'Silero VAD', file: realModels.sileroVad, kind: 'LSTM inside If', judge: (r, c) => streamingFidelity(r, c, vadSequences(3, 24, 3000)) },
];

const BUDGET = 0.3;
const EVAL_SAMPLES = 4;
const CALIBRATION_SAMPLES = 8;
const root = path.resolve(import.meta.dirname, '..');

interface PareRun { label: string; bytes: number; judged: Judged; seconds: number; inputs: string }

interface Row {
  model: string; kind: string; fp32Bytes: number; budget: number;
  pare?: PareRun;
  pareError?: string;
  /** The same fitter given representative inputs (`--inputs`, other samples than the judge's). */
  pareWithInputs?: PareRun;
  pareWithInputsError?: string;
  ort: Array<{ label: string; bytes: number; judged?: Judged; error?: string }>;
}

async function judge(m: FitBenchModel, reference: Uint8Array, candidate: Uint8Array, samples: Feeds[] | undefined): Promise<Judged> {
  // Unloadable outputs count as failures: both runtimes must load what a tool wrote.
  for (const backend of [nodeBackend, webNodeBackend]) await (await backend.createSession(candidate)).release();
  if (m.judge) return m.judge(reference, candidate);
  const r = await evaluateFidelity(reference, candidate, samples!, [nodeBackend], { warmup: 0, timingPasses: 1 });
  return { cosineMean: r.backends[0]!.overall.cosineMean, cosineMin: r.backends[0]!.overall.cosineMin };
}

/** `pare compress` exactly as a user types it, in its own process. */
function runPare(file: string, out: string, maxBytes: number, extra: string[] = []): { report?: { configuration: string; inputs?: { kind: string } }; error?: string; seconds: number } {
  const t0 = performance.now();
  const run = spawnSync(process.execPath, [path.join(root, 'apps/cli/bin/pare.js'), 'compress', file, '-o', out, '--max-bytes', String(maxBytes), ...extra, '--no-eval', '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  // onnxruntime's own log lines (a generated shape that failed before a larger one ran) are not the error.
  const message = run.stderr.split('\n').filter((l) => l.startsWith('pare:')).join(' ');
  if (run.status !== 0) return { error: message || `exit ${run.status}`, seconds };
  return { report: JSON.parse(run.stdout), seconds };
}

async function benchModel(m: FitBenchModel, python: string | undefined, work: string): Promise<Row> {
  process.stderr.write(`fit bench: ${m.name}\n`);
  const reference = new Uint8Array(fs.readFileSync(m.file));
  const budget = Math.floor(reference.byteLength * BUDGET);
  const samples = m.samples?.(EVAL_SAMPLES, 2000);
  const row: Row = { model: m.name, kind: m.kind, fp32Bytes: reference.byteLength, budget, ort: [] };
  const pareRun = async (tag: string, extra: string[]): Promise<{ run?: PareRun; error?: string }> => {
    const out = path.join(work, `${path.basename(m.file, '.onnx')}.${tag}.onnx`);
    const pare = runPare(m.file, out, budget, extra);
    if (!pare.report) return { error: pare.error };
    try {
      const bytes = new Uint8Array(fs.readFileSync(out));
      return { run: { label: pare.report.configuration.replace(/^fit: /, ''), bytes: bytes.byteLength, judged: await judge(m, reference, bytes, samples), seconds: pare.seconds, inputs: pare.report.inputs?.kind ?? '?' } };
    } catch (e) {
      return { error: `output failed the judge: ${(e as Error).message.split('\n')[0]}` };
    }
  };
  ({ run: row.pare, error: row.pareError } = await pareRun('pare', []));
  if (m.samples) {
    const inputs = path.join(work, `${path.basename(m.file, '.onnx')}.inputs.json`);
    fs.writeFileSync(inputs, formatInputsFile({ samples: m.samples(EVAL_SAMPLES, 1000) }));
    ({ run: row.pareWithInputs, error: row.pareWithInputsError } = await pareRun('pare-inputs', ['--inputs', inputs]));
  }
  if (python) {
    const dir = fs.mkdtempSync(path.join(work, 'ort-'));
    // onnxruntime's quantizer refuses Constant-node weights and writes invalid per-channel DQ below opset 13.
    const prepared = path.join(dir, path.basename(m.file));
    fs.writeFileSync(prepared, encodeModel(upgradeOpset(constantsToInitializers(decodeModel(reference).model).model, 13).model));
    const calibration = m.staticInput ? m.samples!(CALIBRATION_SAMPLES, 1000).map((s, i) => {
      const f = path.join(dir, `calib-${i}.bin`);
      const data = s[m.staticInput!.name]!.data as Float32Array;
      fs.writeFileSync(f, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      return f;
    }) : [];
    for (const perChannel of [true, false]) {
      const outDir = fs.mkdtempSync(path.join(dir, perChannel ? 'pc-' : 'pt-'));
      const modes: Array<'dynamic' | 'static'> = m.staticInput ? ['dynamic', 'static'] : ['dynamic'];
      const result = ortQuantize(python, { model: prepared, outDir, inputName: m.staticInput?.name ?? '', calibration, shape: m.staticInput?.shape ?? [], modes, perChannel });
      for (const [mode, r] of Object.entries(result)) {
        const label = `${mode}${perChannel ? ' per-channel' : ''}`;
        if (!r?.path) { row.ort.push({ label, bytes: 0, error: r?.error ?? 'no output' }); continue; }
        const bytes = new Uint8Array(fs.readFileSync(r.path));
        try {
          row.ort.push({ label, bytes: bytes.byteLength, judged: await judge(m, reference, bytes, samples) });
        } catch (e) {
          row.ort.push({ label, bytes: bytes.byteLength, error: (e as Error).message.split('\n')[0] });
        }
      }
    }
  }
  return row;
}

const f = (v: number | undefined, d = 4) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(d));

function render(rows: Row[], ortNote: string | undefined, seconds: number): string {
  const lines = ['# Fitting unseen models to 30% of their bytes', ''];
  lines.push(`Reproduce: \`npm run bench -- --only fit\` (${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, Node ${process.version}; took ${seconds.toFixed(0)} s).`, '');
  lines.push(
    `Pare: \`pare compress <model> -o out.onnx --max-bytes <${BUDGET * 100}% of the fp32 bytes>\` and nothing else, so the fitter sees only generated inputs. ` +
    'onnxruntime: its Python quantizer (`quantize_dynamic`; `quantize_static` QDQ MinMax, calibrated on the representative inputs where the model has one float input), per-channel and per-tensor; ' +
    'its best form within the same budget is compared. Both are judged on the same representative inputs in onnxruntime-node: rendered text lines for OCR, ' +
    `speech-like audio (harmonics under a syllable envelope, pauses, noise) streamed in 512-sample chunks with the LSTM state fed back for the VAD (cosine of the per-step speech probabilities). Every output is also loaded in onnxruntime-web.`,
    '',
  );
  if (ortNote) lines.push(`**onnxruntime column left out:** ${ortNote}.`, '');
  lines.push('| model | fp32 | Pare choice | Pare size / fp32 | Pare cosine mean | Pare cosine min | onnxruntime best within budget | its size / fp32 | its cosine mean | its cosine min | Pare ≥ onnxruntime | mean ≥ 0.995 |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const fitting = r.ort.filter((o) => o.judged && o.bytes <= r.budget).sort((a, b) => b.judged!.cosineMean - a.judged!.cosineMean);
    const best = fitting[0];
    const p = r.pare;
    const ge = p && best ? (p.judged.cosineMean >= best.judged!.cosineMean - 5e-7 ? 'yes' : '**no**') : p ? 'yes (none fits)' : '–';
    const choice = p ? p.label : `**failed**: ${r.pareError?.slice(0, 200)}`;
    lines.push(`| ${r.model} (${r.kind}) | ${formatBytes(r.fp32Bytes)} | ${choice} | ${f(p && p.bytes / r.fp32Bytes, 3)} | ${f(p?.judged.cosineMean, 6)} | ${f(p?.judged.cosineMin, 6)} | ${best?.label ?? 'none fits'} | ${f(best && best.bytes / r.fp32Bytes, 3)} | ${f(best?.judged?.cosineMean, 6)} | ${f(best?.judged?.cosineMin, 6)} | ${ge} | ${p ? (p.judged.cosineMean >= 0.995 ? 'yes' : '**no**') : '–'} |`);
  }
  lines.push('', '## The same fitter given representative inputs', '');
  lines.push(`\`pare compress <model> -o out.onnx --max-bytes <${BUDGET * 100}%> --inputs <file>\`, the file holding ${EVAL_SAMPLES} representative samples other than the judge's: the fitter ranks, calibrates int8-static and measures sensitivity on them.`, '');
  lines.push('| model | Pare choice | size / fp32 | cosine mean | cosine min | vs generated inputs (mean) |', '|---|---|---|---|---|---|');
  for (const r of rows) {
    const p = r.pareWithInputs;
    if (!p && !r.pareWithInputsError) continue;
    const delta = p && r.pare ? p.judged.cosineMean - r.pare.judged.cosineMean : undefined;
    lines.push(`| ${r.model} | ${p ? p.label : `**failed**: ${r.pareWithInputsError?.slice(0, 200)}`} | ${f(p && p.bytes / r.fp32Bytes, 3)} | ${f(p?.judged.cosineMean, 6)} | ${f(p?.judged.cosineMin, 6)} | ${delta === undefined ? '–' : `${delta >= 0 ? '+' : ''}${delta.toFixed(6)}`} |`);
  }
  lines.push('', '## Every onnxruntime form', '', '| model | form | size / fp32 | within budget | cosine mean | cosine min |', '|---|---|---|---|---|---|');
  for (const r of rows) {
    for (const o of r.ort) lines.push(`| ${r.model} | ${o.label} | ${o.bytes ? f(o.bytes / r.fp32Bytes, 3) : '–'} | ${o.bytes && o.bytes <= r.budget ? 'yes' : 'no'} | ${o.error ? `failed: ${o.error.slice(0, 120).replace(/\|/g, '/')}` : f(o.judged?.cosineMean, 6)} | ${f(o.judged?.cosineMin, 6)} |`);
  }
  lines.push('', `Pare's fitter time per model (generated inputs / --inputs): ${rows.map((r) => `${r.model} ${r.pare ? `${r.pare.seconds.toFixed(0)} s` : '–'} / ${r.pareWithInputs ? `${r.pareWithInputs.seconds.toFixed(0)} s` : '–'}`).join(', ')}.`, '');
  const notes = path.join(root, 'bench/fitNotes.md');
  if (fs.existsSync(notes)) lines.push(fs.readFileSync(notes, 'utf8').trim(), '');
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const started = Date.now();
  const { python, why } = findPython();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pare-fit-bench-'));
  const only = process.argv.slice(2);
  const rows: Row[] = [];
  for (const m of MODELS) {
    if (only.length && !only.some((o) => m.name.toLowerCase().includes(o.toLowerCase()))) continue;
    rows.push(await benchModel(m, python, work));
  }
  fs.rmSync(work, { recursive: true, force: true });
  const markdown = render(rows, python ? undefined : why, (Date.now() - started) / 1000);
  fs.mkdirSync(path.join(root, 'bench-results'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench-results/fit.md'), markdown);
  process.stdout.write(markdown);
}

await main();
