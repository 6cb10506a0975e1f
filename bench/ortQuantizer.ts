// onnxruntime's Python quantizer, run side by side with Pare's passes. Needs a Python with onnxruntime:
// .venv at the repository root (made here on first use when pip can reach its wheel mirror). Where none is
// available the benchmark leaves the column out and says why.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface OrtQuantized { path?: string; seconds?: number; error?: string }
export type OrtResult = Partial<Record<'dynamic' | 'static', OrtQuantized>>;

const VENV = path.resolve('.venv');
const PYTHON = path.join(VENV, 'bin', 'python');

/** The venv's python when it has onnxruntime, else undefined with the reason in `why`. */
export function findPython(): { python?: string; why?: string } {
  const ok = () => spawnSync(PYTHON, ['-c', 'import onnxruntime.quantization, onnx, numpy'], { stdio: 'ignore' }).status === 0;
  if (fs.existsSync(PYTHON) && ok()) return { python: PYTHON };
  try {
    process.stderr.write('bench: making .venv with onnx, onnxruntime, numpy (pip)…\n');
    execFileSync('python3', ['-m', 'venv', VENV], { stdio: 'ignore' });
    execFileSync(path.join(VENV, 'bin', 'pip'), ['install', '-q', 'onnx', 'onnxruntime', 'numpy', 'onnx_ir'], { stdio: 'ignore', timeout: 900_000 });
  } catch (e) {
    return { why: `no Python with onnxruntime (${(e as Error).message.split('\n')[0]})` };
  }
  return ok() ? { python: PYTHON } : { why: 'pip could not install onnxruntime into .venv' };
}

export function ortQuantize(python: string, spec: {
  model: string; outDir: string; inputName: string; calibration: string[]; shape: number[]; modes: Array<'dynamic' | 'static'>; perChannel: boolean;
}): OrtResult {
  const specFile = path.join(spec.outDir, `${path.basename(spec.model)}.spec.json`);
  fs.writeFileSync(specFile, JSON.stringify(spec));
  const run = spawnSync(python, [path.resolve('bench/ort_quantize.py'), specFile], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) return { dynamic: { error: run.stderr.slice(-500) }, static: { error: run.stderr.slice(-500) } };
  const lines = run.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as OrtResult;
}
