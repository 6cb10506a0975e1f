import { jit, numpy as np, valueAndGrad } from '@jax-js/jax';
import { makeRng, shuffle } from '../random';
import { AdamW } from '../train/adamw';
import { crossEntropy, kdLoss, validateKd, type KdOptions } from '../train/losses';
import { argmaxRows, classifierMetrics } from '../train/metrics';
import { oneHot, type TrainProgress } from '../train/trainer';
import { bagLogits, bagMean, type BagModel } from './bagModel';
import type { BagSet } from './bagSet';

// Training of the bag student: the forward pass and its gradient are a few loops in plain TypeScript (a mean of
// rows and one matrix), the loss and its gradient with respect to the logits are the KD loss of ../train/losses.ts
// in jax-js, and AdamW updates the weights. Early stopping watches agreement with the teacher on validation
// (accuracy when no teacher), because agreement is what distillation is asked to deliver.

export interface BagTrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  weightDecay?: number;
  kd?: KdOptions & { teacherLogits: Float32Array };
  /** Checked after every epoch; the weights of the best epoch are kept. */
  validation?: BagSet;
  /** Teacher logits on the validation rows: early stopping then follows agreement rather than accuracy. */
  validationTeacherLogits?: Float32Array;
  /** Epochs without a better validation score before training stops (default 3). */
  patience?: number;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
}

export interface BagTrainResult {
  losses: number[];
  steps: number;
  seconds: number;
  /** Per epoch: validation agreement with the teacher (or accuracy without one); the epoch kept. */
  validationScore?: number[];
  bestEpoch?: number;
  stoppedEarly: boolean;
}

function agreement(a: Float32Array, b: Float32Array, k: number): number {
  const pa = argmaxRows(a, k), pb = argmaxRows(b, k);
  let same = 0;
  for (let i = 0; i < pa.length; i++) if (pa[i] === pb[i]) same++;
  return same / Math.max(1, pa.length);
}

export async function trainBag(model: BagModel, data: BagSet, o: BagTrainOptions): Promise<BagTrainResult> {
  if (o.kd) validateKd(o.kd);
  const { dim: D, numLabels: K } = model.config;
  const { emb: E, head_w: W, head_b: bias } = model.weights;
  const B = Math.min(o.batchSize, data.n);
  const perEpoch = Math.floor(data.n / B);
  const totalSteps = perEpoch * o.epochs;
  const kd = o.kd;
  const lossAndGrad = jit(valueAndGrad((logits: np.Array, y: np.Array, teacher: np.Array) => {
    if (kd) return kdLoss(logits, teacher, y, kd);
    teacher.dispose();
    return crossEntropy(logits, y);
  }));
  const opt = new AdamW(model.weights, { weightDecay: o.weightDecay ?? 0 });
  const grads = { emb: new Float32Array(E.length), head_w: new Float32Array(W.length), head_b: new Float32Array(K) };
  const labels = oneHot(data.labels, K);
  const rng = makeRng(o.seed);
  const order = Array.from({ length: data.n }, (_, i) => i);
  const hidden = new Float32Array(B * D);
  const h = new Float32Array(D);
  const losses: number[] = [];
  const scores: number[] = [];
  let best: { epoch: number; score: number; weights: Record<string, Float32Array> } | undefined;
  let stoppedEarly = false;
  const started = performance.now();
  let s = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    shuffle(order, rng);
    for (let b = 0; b < perEpoch; b++, s++) {
      o.signal?.throwIfAborted();
      const idx = order.slice(b * B, b * B + B);
      const logits = new Float32Array(B * K), y = new Float32Array(B * K), teacher = new Float32Array(B * K);
      idx.forEach((r, i) => {
        bagMean(model, data, r, h);
        hidden.set(h, i * D);
        for (let j = 0; j < K; j++) {
          let z = bias[j]!;
          for (let d = 0; d < D; d++) z += h[d]! * W[d * K + j]!;
          logits[i * K + j] = z;
        }
        y.set(labels.subarray(r * K, r * K + K), i * K);
        if (kd) teacher.set(kd.teacherLogits.subarray(r * K, r * K + K), i * K);
      });
      const [lossValue, gLogits] = lossAndGrad(np.array(logits).reshape([B, K]), np.array(y).reshape([B, K]), np.array(teacher).reshape([B, K]));
      const dz = gLogits.dataSync() as Float32Array;
      const loss = lossValue.dataSync()[0]!;
      // Backward by hand: dW = hᵀ dz, db = Σ dz, and each id's row gets dz Wᵀ / (ids in its text).
      grads.head_w.fill(0);
      grads.head_b.fill(0);
      const touched: number[] = [];
      idx.forEach((r, i) => {
        for (let j = 0; j < K; j++) {
          const g = dz[i * K + j]!;
          grads.head_b[j]! += g;
          for (let d = 0; d < D; d++) grads.head_w[d * K + j]! += hidden[i * D + d]! * g;
        }
        const start = data.offsets[r]!, end = data.offsets[r + 1]!;
        const n = Math.max(1, end - start);
        for (let d = 0; d < D; d++) {
          let g = 0;
          for (let j = 0; j < K; j++) g += dz[i * K + j]! * W[d * K + j]!;
          h[d] = g / n;
        }
        for (let k = start; k < end; k++) {
          const base = data.ids[k]! * D;
          touched.push(base);
          for (let d = 0; d < D; d++) grads.emb[base + d]! += h[d]!;
        }
      });
      const lr = (o.learningRate * (totalSteps - s)) / totalSteps;
      opt.step(grads, lr);
      for (const base of touched) grads.emb.fill(0, base, base + D);
      losses.push(loss);
      o.onProgress?.({ step: s + 1, totalSteps, epoch, loss });
      // Yield to the event loop so a job runner can report progress and receive a cancel between steps.
      if (b % 8 === 0) await new Promise((r) => setTimeout(r, 0));
    }
    if (o.validation) {
      const val = bagLogits(model, o.validation);
      const score = o.validationTeacherLogits ? agreement(val, o.validationTeacherLogits, K) : classifierMetrics(val, o.validation, K).accuracy;
      scores.push(score);
      // Ties go to the later epoch: the same score after more training usually means wider margins.
      if (!best || score >= best.score) best = { epoch, score, weights: Object.fromEntries(Object.entries(model.weights).map(([k, v]) => [k, v.slice()])) };
      else if (epoch - best.epoch >= (o.patience ?? 3)) { stoppedEarly = true; break; }
    }
  }
  if (best) for (const [k, v] of Object.entries(best.weights)) model.weights[k as keyof BagModel['weights']].set(v);
  return { losses, steps: s, seconds: (performance.now() - started) / 1000, stoppedEarly, ...(best ? { validationScore: scores, bestEpoch: best.epoch } : {}) };
}
