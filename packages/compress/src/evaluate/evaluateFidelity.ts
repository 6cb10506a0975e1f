// Run a reference model and a compressed candidate on the same samples in each runtime, and report how
// close the candidate stays (fidelity), how each scores on labelled data (accuracy), and how fast each runs.
import { PareError } from '@pare/errors';
import type { Feeds, HostTensor, InferenceBackend, InferenceSession } from '@pare/runtime';
import { compareOutputs, type FidelityByOutput } from './compareOutputs';
import { argmax, isScoreVector, numericData } from './metrics';
import { median } from './measureLatency';

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
  /** Median run time over the timed passes after warm-up (runs alternate with the other model's), ms. */
  runMs: number;
}

export interface BackendEvaluation extends FidelityByOutput {
  backend: string;
  reference: Timing;
  candidate: Timing;
  /** Median over alternating reference/candidate runs of candidate time ÷ reference time. */
  latencyRatio: number;
  accuracy?: { reference: number; candidate: number };
}

export interface FidelityReport {
  samples: number;
  backends: BackendEvaluation[];
}

/** Runs of each session before timing: a fresh session's first few runs are several times slower than later ones. */
const DEFAULT_WARMUP = 5;

export async function evaluateFidelity(
  reference: Uint8Array,
  candidate: Uint8Array,
  samples: Feeds[],
  backends: readonly InferenceBackend[],
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
    const ref = await load(backend, reference, 'reference');
    const cand = await load(backend, candidate, 'candidate').catch(async (e) => { await ref.session.release(); throw e; });
    try {
      const refOut = await runEach(ref.session, samples);
      options.onProgress?.(++done, total, `${backend.name}: reference`);
      const candOut = await runEach(cand.session, samples);
      const timing = await pairedTiming(ref.session, cand.session, samples, options.warmup ?? DEFAULT_WARMUP, options.timingPasses ?? 2);
      options.onProgress?.(++done, total, `${backend.name}: candidate`);
      const evaluation: BackendEvaluation = {
        backend: backend.name,
        ...compareOutputs(refOut, candOut),
        reference: { loadMs: ref.loadMs, runMs: timing.referenceMs },
        candidate: { loadMs: cand.loadMs, runMs: timing.candidateMs },
        latencyRatio: timing.ratio,
      };
      if (options.labels) {
        evaluation.accuracy = { reference: accuracy(refOut, options.labels), candidate: accuracy(candOut, options.labels) };
      }
      results.push(evaluation);
    } finally {
      await ref.session.release();
      await cand.session.release();
    }
  }
  return { samples: samples.length, backends: results };
}

async function load(backend: InferenceBackend, bytes: Uint8Array, role: string): Promise<{ session: InferenceSession; loadMs: number }> {
  const t0 = performance.now();
  try {
    const session = await backend.createSession(bytes);
    return { session, loadMs: performance.now() - t0 };
  } catch (e) {
    throw new PareError('model_unloadable', `The ${role} model does not load in ${backend.name}: ${(e as Error).message}`, { cause: e });
  }
}

async function runEach(session: InferenceSession, samples: Feeds[]): Promise<Array<Record<string, HostTensor>>> {
  const outputs: Array<Record<string, HostTensor>> = [];
  for (const feeds of samples) outputs.push(await session.run(feeds));
  return outputs;
}

/**
 * Reference and candidate run alternately on the same sample, so both see the same machine load (a shared
 * CI box swings several-fold between seconds), and which of the two goes first alternates too, so that what the
 * first run of a pair leaves warm (input, allocator, caches) does not always favour the candidate. Reported: the
 * median run of each, and the median of the per-pair ratios, which cancels load that changes slower than one pair.
 */
async function pairedTiming(ref: InferenceSession, cand: InferenceSession, samples: Feeds[], warmup: number, passes: number) {
  for (let i = 0; i < warmup; i++) {
    await ref.run(samples[i % samples.length]!);
    await cand.run(samples[i % samples.length]!);
  }
  const timed = async (session: InferenceSession, feeds: Feeds) => {
    const t0 = performance.now();
    await session.run(feeds);
    return performance.now() - t0;
  };
  const refTimes: number[] = [], candTimes: number[] = [], ratios: number[] = [];
  let pair = 0;
  for (let pass = 0; pass < Math.max(1, passes); pass++) {
    for (const feeds of samples) {
      const candFirst = pair++ % 2 === 1;
      const c0 = candFirst ? await timed(cand, feeds) : 0;
      const r = await timed(ref, feeds);
      const c = candFirst ? c0 : await timed(cand, feeds);
      refTimes.push(r);
      candTimes.push(c);
      ratios.push(c / r);
    }
  }
  return { referenceMs: median(refTimes), candidateMs: median(candTimes), ratio: median(ratios) };
}


/** Fraction of samples whose first score output's first row has its argmax at the label. */
function accuracy(outputs: Array<Record<string, HostTensor>>, labels: number[]): number {
  let correct = 0;
  outputs.forEach((out, s) => {
    const scores = Object.values(out).find((t) => isScoreVector(t.dims));
    if (!scores) throw new PareError('eval_labels', 'Labels were given but no output is a score vector ([batch, classes]).');
    if (argmax(numericData(scores, 'The score output'), 0, scores.dims[scores.dims.length - 1]!) === labels[s]) correct++;
  });
  return correct / labels.length;
}
