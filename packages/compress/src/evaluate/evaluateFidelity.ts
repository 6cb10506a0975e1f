// Run a reference model and a compressed candidate on the same samples in each runtime, and report how
// close the candidate stays (fidelity), how each scores on labelled data (accuracy), and how fast each runs.
import { PareError } from '@pare/errors';
import type { EvalBackend, EvalFeeds, EvalSession, EvalTensor } from './evalBackend';
import { compareOutputs, type FidelityByOutput } from './compareOutputs';
import { argmax, isScoreVector } from './metrics';

export interface EvaluateOptions {
  /** One class index per sample: accuracy of both models is reported (argmax of the first score output). */
  labels?: number[];
  /** Untimed runs before timing, so lazy initialisation is not counted. Default 1. */
  warmup?: number;
  /** Timed passes over the samples; the median run is reported. Default 2. */
  timingPasses?: number;
  /** Called after each model×backend finishes, for progress bars. */
  onProgress?: (done: number, total: number, what: string) => void;
}

export interface Timing {
  /** Session creation, ms. */
  loadMs: number;
  /** Median run time over the timed passes after warm-up, ms. */
  runMs: number;
}

export interface BackendEvaluation extends FidelityByOutput {
  backend: string;
  reference: Timing;
  candidate: Timing;
  /** candidate.runMs / reference.runMs. */
  latencyRatio: number;
  accuracy?: { reference: number; candidate: number };
}

export interface FidelityReport {
  samples: number;
  backends: BackendEvaluation[];
}

export async function evaluateFidelity(
  reference: Uint8Array,
  candidate: Uint8Array,
  samples: EvalFeeds[],
  backends: readonly EvalBackend[],
  options: EvaluateOptions = {},
): Promise<FidelityReport> {
  if (samples.length === 0) throw new PareError('eval_no_samples', 'Evaluation needs at least one sample input.');
  if (backends.length === 0) throw new PareError('eval_no_backend', 'Evaluation needs at least one runtime backend.');
  if (options.labels && options.labels.length !== samples.length) {
    throw new PareError('eval_labels', `${options.labels.length} labels for ${samples.length} samples: give one label per sample.`);
  }
  const total = backends.length * 2;
  let done = 0;
  const results: BackendEvaluation[] = [];
  for (const backend of backends) {
    const timing = { warmup: options.warmup ?? 1, passes: options.timingPasses ?? 2 };
    const ref = await runAll(backend, reference, samples, timing, 'reference');
    options.onProgress?.(++done, total, `${backend.name}: reference`);
    const cand = await runAll(backend, candidate, samples, timing, 'candidate');
    options.onProgress?.(++done, total, `${backend.name}: candidate`);
    const evaluation: BackendEvaluation = {
      backend: backend.name,
      ...compareOutputs(ref.outputs, cand.outputs),
      reference: ref.timing,
      candidate: cand.timing,
      latencyRatio: cand.timing.runMs / ref.timing.runMs,
    };
    if (options.labels) {
      evaluation.accuracy = { reference: accuracy(ref.outputs, options.labels), candidate: accuracy(cand.outputs, options.labels) };
    }
    results.push(evaluation);
  }
  return { samples: samples.length, backends: results };
}

async function runAll(backend: EvalBackend, bytes: Uint8Array, samples: EvalFeeds[], timing: { warmup: number; passes: number }, role: string) {
  const t0 = performance.now();
  let session: EvalSession;
  try {
    session = await backend.createSession(bytes);
  } catch (e) {
    throw new PareError('eval_load_failed', `The ${role} model does not load in ${backend.name}: ${(e as Error).message}`, { cause: e });
  }
  const loadMs = performance.now() - t0;
  try {
    for (let i = 0; i < timing.warmup; i++) await session.run(samples[i % samples.length]!);
    const outputs: Array<Record<string, EvalTensor>> = [];
    const times: number[] = [];
    for (let pass = 0; pass < Math.max(1, timing.passes); pass++) {
      for (const feeds of samples) {
        const t1 = performance.now();
        const out = await session.run(feeds);
        times.push(performance.now() - t1);
        if (pass === 0) outputs.push(out);
      }
    }
    // The median resists the odd slow run (GC, another process on a shared 2-core machine).
    times.sort((a, b) => a - b);
    return { outputs, timing: { loadMs, runMs: times[Math.floor(times.length / 2)]! } };
  } finally {
    await session.release();
  }
}

/** Fraction of samples whose first score output's first row has its argmax at the label. */
function accuracy(outputs: Array<Record<string, EvalTensor>>, labels: number[]): number {
  let correct = 0;
  outputs.forEach((out, s) => {
    const scores = Object.values(out).find((t) => isScoreVector(t.dims));
    if (!scores) throw new PareError('eval_labels', 'Labels were given but no output is a score vector ([batch, classes]).');
    if (argmax(scores.data, 0, scores.dims[scores.dims.length - 1]!) === labels[s]) correct++;
  });
  return correct / labels.length;
}
