import { jit, numpy as np, valueAndGrad } from '@jax-js/jax';
import type { EncodedSet } from '../data/encode';
import { gatherRows, scatterAddRows } from '../model/embedding';
import { encoderLogits, toJaxParams, type JaxParams } from '../model/forward';
import type { EncoderModel, Weights } from '../model/params';
import { makeRng, shuffle } from '../random';
import { AdamW } from './adamw';
import { crossEntropy, kdLoss, validateKd, type KdOptions } from './losses';
import { classifierMetrics } from './metrics';
import { predictLogits } from './predict';

// The training loop: mini-batches of fixed shape (so jit compiles once), the embedding lookup outside jit,
// loss + gradients inside one jitted valueAndGrad, AdamW on the JS-side weights, linear warm-up then linear decay.

export interface TrainProgress { step: number; totalSteps: number; epoch: number; loss: number }

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Steps of linear warm-up before the linear decay to zero. */
  warmupSteps?: number;
  weightDecay?: number;
  /** Probability of zeroing a token's embedding during training (word dropout): the small corpus overfits fast. */
  tokenDropout?: number;
  seed: number;
  /** Distil instead of plain cross-entropy: teacher logits [n, numLabels] for every training row. */
  kd?: KdOptions & { teacherLogits: Float32Array };
  /** Evaluate on this set after every epoch and keep the weights of the epoch with the best accuracy. */
  validation?: EncodedSet;
  /** With validation: stop after this many epochs without a better validation accuracy (default: run every epoch). */
  patience?: number;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
}

export interface TrainResult {
  losses: number[];
  steps: number;
  seconds: number;
  /** Validation accuracy after each epoch and the epoch (0-based) whose weights were kept, when validating. */
  validationAccuracy?: number[];
  bestEpoch?: number;
  /** Whether patience ran out before the last epoch. */
  stoppedEarly: boolean;
}

export function oneHot(labels: ArrayLike<number>, k: number): Float32Array {
  const out = new Float32Array(labels.length * k);
  for (let i = 0; i < labels.length; i++) out[i * k + labels[i]!] = 1;
  return out;
}

function makeStep(model: EncoderModel, kd: KdOptions | undefined) {
  const c = model.config;
  const loss = (p: JaxParams, emb: np.Array, mask: np.Array, y: np.Array, teacher: np.Array) => {
    const logits = encoderLogits(c, p, emb, mask);
    if (kd) return kdLoss(logits, teacher, y, kd);
    teacher.dispose();
    return crossEntropy(logits, y);
  };
  return jit(valueAndGrad(loss, { argnums: [0, 1] }));
}

function rows<T extends Float32Array | Int32Array | Uint8Array>(a: T, width: number, idx: readonly number[]): T {
  const out = new (a.constructor as new (n: number) => T)(idx.length * width);
  idx.forEach((r, i) => out.set(a.subarray(r * width, r * width + width), i * width));
  return out;
}

/** Per-row dropout factors (0 or 1/(1-p)), or undefined when p is 0. */
function tokenKeep(rowsCount: number, p: number, rng: () => number): Float32Array | undefined {
  if (p <= 0) return undefined;
  const keep = new Float32Array(rowsCount);
  for (let i = 0; i < rowsCount; i++) keep[i] = rng() < p ? 0 : 1 / (1 - p);
  return keep;
}

function scaleRows(a: Float32Array, D: number, factors: Float32Array): void {
  for (let r = 0; r < factors.length; r++) if (factors[r] !== 1) for (let d = 0; d < D; d++) a[r * D + d]! *= factors[r]!;
}

export async function trainEncoder(model: EncoderModel, data: EncodedSet, o: TrainOptions): Promise<TrainResult> {
  const c = model.config;
  if (data.maxLength !== c.maxLength) throw new RangeError(`data maxLength ${data.maxLength} differs from model maxLength ${c.maxLength}`);
  if (o.kd) validateKd(o.kd);
  const B = Math.min(o.batchSize, data.n);
  const L = c.maxLength, D = c.dModel, K = c.numLabels;
  const perEpoch = Math.floor(data.n / B);
  const totalSteps = perEpoch * o.epochs;
  const warmup = o.warmupSteps ?? Math.min(30, Math.floor(totalSteps / 10));
  const step = makeStep(model, o.kd);
  const opt = new AdamW(model.weights, { weightDecay: o.weightDecay ?? 0.01 });
  const rng = makeRng(o.seed);
  const order = Array.from({ length: data.n }, (_, i) => i);
  const labels = oneHot(data.labels, K);
  const losses: number[] = [];
  const started = performance.now();
  let s = 0;
  const valAcc: number[] = [];
  let best: { epoch: number; accuracy: number; weights: Weights } | undefined;
  let stoppedEarly = false;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    shuffle(order, rng);
    for (let b = 0; b < perEpoch; b++, s++) {
      o.signal?.throwIfAborted();
      const idx = order.slice(b * B, b * B + B);
      const ids = rows(data.ids, L, idx);
      const emb = gatherRows(model.weights['tok_emb']!, D, ids);
      const keep = tokenKeep(ids.length, o.tokenDropout ?? 0, rng);
      if (keep) scaleRows(emb, D, keep);
      const teacher = o.kd ? rows(o.kd.teacherLogits, K, idx) : new Float32Array(B * K);
      const [lossValue, [gp, gEmb]] = step(
        toJaxParams(c, model.weights), np.array(emb).reshape([B, L, D]), np.array(rows(data.mask, L, idx)).reshape([B, L]),
        np.array(rows(labels, K, idx)).reshape([B, K]), np.array(teacher).reshape([B, K]),
      );
      const grads: Weights = {};
      for (const [k, g] of Object.entries(gp)) grads[k] = g.dataSync() as Float32Array;
      const tokGrad = new Float32Array(model.weights['tok_emb']!.length);
      const gRows = gEmb.dataSync() as Float32Array;
      if (keep) scaleRows(gRows, D, keep);
      scatterAddRows(tokGrad, D, ids, gRows);
      grads['tok_emb'] = tokGrad;
      const loss = lossValue.dataSync()[0]!;
      const lr = s < warmup ? (o.learningRate * (s + 1)) / warmup : (o.learningRate * (totalSteps - s)) / Math.max(1, totalSteps - warmup);
      opt.step(grads, lr);
      losses.push(loss);
      o.onProgress?.({ step: s + 1, totalSteps, epoch, loss });
      // Yield to the event loop so a job runner can report progress and receive a cancel between steps.
      await new Promise((r) => setTimeout(r, 0));
    }
    if (o.validation) {
      const acc = classifierMetrics(predictLogits(model, o.validation), o.validation).accuracy;
      valAcc.push(acc);
      // Ties go to the later epoch: same accuracy after more training usually means more confident margins.
      if (!best || acc >= best.accuracy) best = { epoch, accuracy: acc, weights: Object.fromEntries(Object.entries(model.weights).map(([k, v]) => [k, v.slice()])) };
      else if (o.patience !== undefined && epoch - best.epoch >= o.patience && epoch < o.epochs - 1) { stoppedEarly = true; break; }
    }
  }
  if (best) for (const [k, v] of Object.entries(best.weights)) model.weights[k]!.set(v);
  return { losses, steps: s, seconds: (performance.now() - started) / 1000, stoppedEarly, ...(best ? { validationAccuracy: valAcc, bestEpoch: best.epoch } : {}) };
}
