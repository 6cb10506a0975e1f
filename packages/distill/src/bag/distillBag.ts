import { PareError } from '@pare/errors';
import { hashedNgramSpecOf, type AnyTokenizerSpec, type TextTokenizer } from '@pare/runtime';
import type { ExportedClassifier } from '../export/exportClassifier';
import { expectedCalibrationError, fitTemperature } from '../train/calibration';
import type { KdOptions } from '../train/losses';
import { thresholdForFpr, type ChosenThreshold } from '../train/threshold';
import type { TrainProgress } from '../train/trainer';
import { bagLogits, initBag } from './bagModel';
import { teacherTokenFeatures, wordFeatures, type BagFeatures } from './bagFeatures';
import type { LabelledText } from './bagSet';
import { exportBag, type BagExportArgs } from './exportBag';
import { trainBag } from './trainBag';

// The bag student's part of a distillation: hashed n-gram ids of every split, KD training with early stopping
// on validation agreement, temperature scaling on validation, an optional threshold for a target
// false-positive rate, export and test metrics (calibration error and the false-positive rates at the threshold).

export interface BagStudentSpec {
  family: 'bag';
  /**
   * What the bag reads: hashed word n-grams of the text ("words", the default), or hashed unigrams and bigrams of
   * the teacher's own tokens in the teacher's window ("teacher-tokens": the variant then carries the teacher's
   * tokenizer; it agrees with a teacher more closely because it sees what the teacher saw).
   */
  features?: 'words' | 'teacher-tokens';
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
  /** Epochs without better validation agreement before training stops (default 4). Default epochs: 15, or as
   * many as make 2,000 optimiser steps on a small dataset. */
  patience?: number;
  /** What early stopping watches: agreement with the teacher (default) or, where the validation texts are
   * labelled and the labels are better than the teacher, accuracy. */
  earlyStopping?: 'agreement' | 'accuracy';
}

export const BAG_DEFAULTS = { buckets: 1 << 15, dim: 16, wordNgrams: 2, maxLength: 4096, epochs: 15, learningRate: 0.01, batchSize: 32, patience: 4 } as const;
/** Teacher tokens: a wider mean learnt more slowly (chosen on validation agreement with a DistilBERT teacher,
 * packages/distill/bench/hfStudentBench.ts). */
export const TEACHER_TOKEN_BAG_DEFAULTS = { ...BAG_DEFAULTS, dim: 32, learningRate: 0.005 } as const;

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
  /** The teacher's tokenizer (its manifest's spec and the loaded tokenizer): needed for teacher-token features. */
  teacherTokenizer?: { spec: AnyTokenizerSpec; reader: TextTokenizer };
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
}

export interface BagDistillResult {
  exported: ExportedClassifier;
  /** The tokenizer the student's manifest names: its hashed n-grams, or the teacher's. */
  tokenizer: AnyTokenizerSpec;
  features: BagFeatures['kind'];
  /** Rows of its embedding table. */
  buckets: number;
  dim: number;
  train: { seconds: number; bestEpoch?: number; stoppedEarly: boolean; validationAgreement?: number[] };
  temperature: number;
  /** Expected calibration error on the test split, before and after temperature scaling. */
  ece: { raw: number; calibrated: number };
  threshold?: ChosenThreshold & { label: string; testFalsePositiveRate: number; testAccuracy: number; testHardFalsePositiveRate: number };
}

export async function distillBag(a: BagDistillArgs): Promise<BagDistillResult> {
  const s = { ...(a.spec.features === 'teacher-tokens' ? TEACHER_TOKEN_BAG_DEFAULTS : BAG_DEFAULTS), ...a.spec };
  const features = bagFeatures(a, s);
  const [train, val, test] = [features.encode(a.splits.train), features.encode(a.splits.val), features.encode(a.splits.test)];
  const K = a.labels?.length ?? 2;
  const model = initBag({ buckets: s.buckets, dim: s.dim, numLabels: K }, a.seed + 1);
  const r = await trainBag(model, train, {
    epochs: a.spec.epochs ?? defaultEpochs(train.n, s), batchSize: s.batchSize, learningRate: s.learningRate, seed: a.seed + 1, kd: { ...a.kd, teacherLogits: a.teacher.train },
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
    model: a.model, variant: a.variant, provenance: a.provenance, labels: a.labels, features, temperature, clean: a.clean,
    ...(threshold ? { threshold: { label: threshold.label, score: threshold.score } } : {}),
    metrics: {
      expectedCalibrationError: ece.calibrated, expectedCalibrationErrorUncalibrated: ece.raw,
      ...(threshold ? { thresholdAccuracy: threshold.testAccuracy, thresholdHamFalsePositiveRate: threshold.testFalsePositiveRate, thresholdHardHamFalsePositiveRate: threshold.testHardFalsePositiveRate } : {}),
    },
  });
  exported.trainSeconds = r.seconds;
  return {
    exported, tokenizer: features.tokenizer, features: features.kind, buckets: features.buckets, dim: s.dim, temperature, ece, threshold,
    train: { seconds: r.seconds, bestEpoch: r.bestEpoch, stoppedEarly: r.stoppedEarly, validationAgreement: r.validationScore },
  };
}

/** Optimiser steps a default run takes at least: a small dataset gets more epochs (early stopping still ends it). */
const MIN_STEPS = 2000;
const MAX_EPOCHS = 200;

function defaultEpochs(n: number, s: { epochs: number; batchSize: number }): number {
  const perEpoch = Math.max(1, Math.floor(n / Math.min(s.batchSize, Math.max(1, n))));
  return Math.min(MAX_EPOCHS, Math.max(s.epochs, Math.ceil(MIN_STEPS / perEpoch)));
}

function bagFeatures(a: BagDistillArgs, s: Required<Pick<BagStudentSpec, 'buckets' | 'wordNgrams' | 'maxLength'>> & Pick<BagStudentSpec, 'charNgrams'>): BagFeatures {
  if (a.spec.features === 'teacher-tokens') {
    if (!a.teacherTokenizer) throw new PareError('option_invalid', 'student.features "teacher-tokens" needs a teacher with a tokenizer: distil from an ONNX teacher with its manifest, or use "words".');
    return teacherTokenFeatures(a.teacherTokenizer, s.buckets);
  }
  return wordFeatures(hashedNgramSpecOf({ kind: 'hashed-ngrams', buckets: s.buckets, wordNgrams: s.wordNgrams, ...(s.charNgrams ? { charNgrams: s.charNgrams } : {}), maxLength: s.maxLength }));
}

/** Softmax score of label `j` in row `i` at temperature t. */
function positiveScore(logits: Float32Array, i: number, k: number, j: number, t: number): number {
  let max = -Infinity;
  for (let c = 0; c < k; c++) max = Math.max(max, logits[i * k + c]! / t);
  let sum = 0;
  for (let c = 0; c < k; c++) sum += Math.exp(logits[i * k + c]! / t - max);
  return Math.exp(logits[i * k + j]! / t - max) / sum;
}
