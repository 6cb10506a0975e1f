import { hashedNgramSpecOf, type HashedNgramSpec } from '@pare/runtime';
import type { ExportedClassifier } from '../export/exportClassifier';
import { expectedCalibrationError, fitTemperature } from '../train/calibration';
import type { KdOptions } from '../train/losses';
import { thresholdForFpr, type ChosenThreshold } from '../train/threshold';
import type { TrainProgress } from '../train/trainer';
import { bagLogits, initBag } from './bagModel';
import { encodeBags, type LabelledText } from './bagSet';
import { exportBag, type BagExportArgs } from './exportBag';
import { trainBag } from './trainBag';

// The bag student's part of a distillation: hashed n-gram ids of every split, KD training with early stopping
// on validation agreement, temperature scaling on validation, an optional threshold for a target
// false-positive rate, export and test metrics (calibration error and the false-positive rates at the threshold).

export interface BagStudentSpec {
  family: 'bag';
  /** Embedding rows (default 32,768). */
  buckets?: number;
  dim?: number;
  wordNgrams?: number;
  /** Character n-grams of each word; default none (on the spam corpus they cost 4x the ids and no accuracy). */
  charNgrams?: { min: number; max: number };
  /** Most ids per text (default 4,096). */
  maxLength?: number;
  epochs?: number;
  learningRate?: number;
  batchSize?: number;
  /** Epochs without better validation agreement before training stops (default 4). */
  patience?: number;
  /** What early stopping watches: agreement with the teacher (default) or, where the validation texts are
   * labelled and the labels are better than the teacher, accuracy. */
  earlyStopping?: 'agreement' | 'accuracy';
}

export const BAG_DEFAULTS = { buckets: 1 << 15, dim: 16, wordNgrams: 2, maxLength: 4096, epochs: 15, learningRate: 0.01, batchSize: 32, patience: 4 } as const;

export interface BagDistillArgs extends Pick<BagExportArgs, 'model' | 'variant' | 'provenance' | 'labels' | 'clean'> {
  spec: BagStudentSpec;
  splits: { train: readonly LabelledText[]; val: readonly LabelledText[]; test: readonly LabelledText[] };
  teacher: { train: Float32Array; val: Float32Array };
  kd: KdOptions;
  seed: number;
  /** Scale the scores on validation so they are calibrated (default true). */
  calibrate?: boolean;
  /** Choose the positive label's threshold on validation for this false-positive rate. */
  targetFpr?: number;
  /** Index of the positive label among the labels (default 1). */
  positive?: number;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
}

export interface BagDistillResult {
  exported: ExportedClassifier;
  tokenizer: HashedNgramSpec;
  train: { seconds: number; bestEpoch?: number; stoppedEarly: boolean; validationAgreement?: number[] };
  temperature: number;
  /** Expected calibration error on the test split, before and after temperature scaling. */
  ece: { raw: number; calibrated: number };
  threshold?: ChosenThreshold & { label: string; testFalsePositiveRate: number; testAccuracy: number; testHardFalsePositiveRate: number };
}

export async function distillBag(a: BagDistillArgs): Promise<BagDistillResult> {
  const s = { ...BAG_DEFAULTS, ...a.spec };
  const tokenizer = hashedNgramSpecOf({ kind: 'hashed-ngrams', buckets: s.buckets, wordNgrams: s.wordNgrams, ...(s.charNgrams ? { charNgrams: s.charNgrams } : {}), maxLength: s.maxLength });
  const [train, val, test] = [encodeBags(tokenizer, a.splits.train), encodeBags(tokenizer, a.splits.val), encodeBags(tokenizer, a.splits.test)];
  const K = a.labels?.length ?? 2;
  const model = initBag({ buckets: s.buckets, dim: s.dim, numLabels: K }, a.seed + 1);
  const r = await trainBag(model, train, {
    epochs: s.epochs, batchSize: s.batchSize, learningRate: s.learningRate, seed: a.seed + 1, kd: { ...a.kd, teacherLogits: a.teacher.train },
    validation: val, validationTeacherLogits: s.earlyStopping === 'accuracy' ? undefined : a.teacher.val, patience: s.patience, onProgress: a.onProgress, signal: a.signal,
  });
  const valLogits = bagLogits(model, val);
  const testLogits = bagLogits(model, test);
  const temperature = a.calibrate === false ? 1 : fitTemperature(valLogits, val.labels, K);
  const ece = { raw: expectedCalibrationError(testLogits, test.labels, K), calibrated: expectedCalibrationError(testLogits, test.labels, K, temperature) };

  let threshold: BagDistillResult['threshold'];
  const positive = a.positive ?? 1;
  if (a.targetFpr !== undefined) {
    const score = (logits: Float32Array) => Float64Array.from({ length: logits.length / K }, (_, i) => positiveScore(logits, i, K, positive, temperature));
    const chosen = thresholdForFpr(score(valLogits), Array.from(val.labels, (y) => (y === positive ? 1 : 0)), a.targetFpr);
    const testScores = score(testLogits);
    let fp = 0, neg = 0, correct = 0, hard = 0, hardFp = 0;
    testScores.forEach((p, i) => {
      const flagged = p >= chosen.score, isPos = test.labels[i] === positive;
      if (!isPos) { neg++; if (flagged) fp++; }
      if (flagged === isPos) correct++;
      if (test.hard[i]) { hard++; if (flagged) hardFp++; }
    });
    threshold = { ...chosen, label: a.labels?.[positive] ?? String(positive), testFalsePositiveRate: fp / Math.max(1, neg), testAccuracy: correct / Math.max(1, test.n), testHardFalsePositiveRate: hardFp / Math.max(1, hard) };
  }

  // A variant that cleans its texts is checked on them as clients send them.
  const fed = a.splits.test.map((e) => (a.clean ? e.raw ?? e.text : e.text));
  const exported = await exportBag(model, test, fed, {
    model: a.model, variant: a.variant, provenance: a.provenance, labels: a.labels, spec: tokenizer, temperature, clean: a.clean,
    ...(threshold ? { threshold: { label: threshold.label, score: threshold.score } } : {}),
    metrics: {
      expectedCalibrationError: ece.calibrated, expectedCalibrationErrorUncalibrated: ece.raw,
      ...(threshold ? { thresholdAccuracy: threshold.testAccuracy, thresholdHamFalsePositiveRate: threshold.testFalsePositiveRate, thresholdHardHamFalsePositiveRate: threshold.testHardFalsePositiveRate } : {}),
    },
  });
  exported.trainSeconds = r.seconds;
  return {
    exported, tokenizer, temperature, ece, threshold,
    train: { seconds: r.seconds, bestEpoch: r.bestEpoch, stoppedEarly: r.stoppedEarly, validationAgreement: r.validationScore },
  };
}

/** Softmax score of label `j` in row `i` at temperature t. */
function positiveScore(logits: Float32Array, i: number, k: number, j: number, t: number): number {
  let max = -Infinity;
  for (let c = 0; c < k; c++) max = Math.max(max, logits[i * k + c]! / t);
  let sum = 0;
  for (let c = 0; c < k; c++) sum += Math.exp(logits[i * k + c]! / t - max);
  return Math.exp(logits[i * k + j]! / t - max) / sum;
}
