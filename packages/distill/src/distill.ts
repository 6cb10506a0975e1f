import { init } from '@jax-js/jax';
import { decodeModel, type Model } from '@pare/onnx';
import { PareError } from '@pare/errors';
import { loadTextTokenizer, type AnyTokenizerSpec, type HashedNgramSpec, type Manifest, type TokenizerSpec } from '@pare/runtime';
import { distillBag, type BagDistillResult, type BagStudentSpec } from './bag/distillBag';
import { encodeExamples, type EncodedSet } from './data/encode';
import { DATASET_NAME, LABELS, loadSpamAssassin, type TextCleaning } from './data/spamAssassin';
import { textLogits } from './export/textLogits';
import { LOGITS_OUTPUT, MASK_INPUT } from './export/encoderToOnnx';
import { exportClassifier, type ExportedClassifier } from './export/exportClassifier';
import { countParameters, STUDENT_SIZE, TEACHER_SIZE, type EncoderConfig, type ModelSize } from './model/config';
import { initEncoder } from './model/params';
import { onnxLogits } from './export/onnxLogits';
import { trainWordPiece } from './tokenizer/trainWordPiece';
import { argmaxRows, classifierMetrics, type ClassifierMetrics } from './train/metrics';
export type { ExportedClassifier } from './export/exportClassifier';
import { predictLogits } from './train/predict';
import { trainEncoder, type TrainProgress } from './train/trainer';

// The distillation pipeline: data → tokenizer → teacher (trained here, or given as ONNX + manifest) → teacher
// logits on the training split → student trained by KD → test metrics → ONNX export checked against the trainer
// → manifests. Pure with respect to files: the caller (CLI, origin job) decides where artefacts go.

/** A teacher trained here; with `patience`, training stops after that many epochs without a better validation
 * accuracy (the best epoch's weights are kept either way). */
export interface TeacherTrain { kind: 'train'; size?: Partial<ModelSize>; epochs?: number; learningRate?: number; patience?: number }
/** An existing teacher: its ONNX bytes and manifest (whose preprocess.tokenizer the transformer student reuses;
 * a bag student reads texts its own way, so then any tokenizer kind goes, tokenizer.json given for a Hugging Face one). */
export interface TeacherOnnx { kind: 'onnx'; bytes: Uint8Array; manifest: Manifest; tokenizerJson?: Uint8Array }
/** The transformer student (the default family). */
export interface StudentSpec { family?: 'encoder'; size?: Partial<ModelSize>; epochs?: number; learningRate?: number }
export type { BagStudentSpec } from './bag/distillBag';

export interface DistillOptions {
  teacher?: TeacherTrain | TeacherOnnx;
  data?: typeof DATASET_NAME;
  student?: StudentSpec | BagStudentSpec;
  /** How raw mails become texts: 'mail' cleans them as a mail filter must (the default for an ONNX teacher whose
   * manifest cleans mail), 'subject-body' does not (the default otherwise). */
  text?: TextCleaning;
  /** How the teacher reads the same mails when it was trained on another view of them (default: as `text`). */
  teacherText?: TextCleaning;
  /** Bag student: choose the threshold of `positive` on validation for this false-positive rate, stored in the manifest. */
  targetFpr?: number;
  /** The positive label for targetFpr (default spam). */
  positive?: string;
  /** KD temperature T (default 2). */
  temperature?: number;
  /** Weight of the KD term; 1 - alpha weights cross-entropy on labels (default 0.7). */
  alpha?: number;
  seed?: number;
  /** Tokenizer settings when the teacher is trained here (default 6000 pieces, 128 tokens). */
  vocabSize?: number;
  maxLength?: number;
  /** Keep only the first n examples of each split: tests and smoke runs. */
  limit?: number;
  batchSize?: number;
  model?: string;
  onProgress?: (e: DistillProgress) => void;
  signal?: AbortSignal;
}

export type DistillPhase = 'data' | 'tokenizer' | 'teacher' | 'teacher-logits' | 'student' | 'evaluate' | 'export';
export interface DistillProgress { phase: DistillPhase; message: string; step?: number; totalSteps?: number; loss?: number }

export interface DistillResult {
  studentModel: Model;
  manifest: Manifest;
  metrics: ClassifierMetrics & { teacherAgreement: number; parameterRatio: number };
  student: ExportedClassifier;
  teacher: ExportedClassifier;
  tokenizer: AnyTokenizerSpec;
  dataset: { name: string; checksum: string; train: number; val: number; test: number; duplicatesRemoved: number };
  /** The encoded test split (for callers that evaluate further variants the same way). */
  testSet: EncodedSet;
  /** The test split as texts and labels, as clients send them (whole mails when the student cleans mail): a bag
   * student's variants are measured from texts, as the edge feeds them. */
  testTexts: { text: string; label: number }[];
  /** The teacher's validation accuracy by epoch and the epoch kept (a teacher trained here only). */
  teacherTraining?: { validationAccuracy: number[]; bestEpoch: number; stoppedEarly: boolean };
  /** The bag student's calibration, threshold and training record (bag family only). */
  bag?: Omit<BagDistillResult, 'exported'>;
}

export const DEFAULTS = { temperature: 2, alpha: 0.7, seed: 1, vocabSize: 6000, maxLength: 128, batchSize: 64, teacherEpochs: 3, studentEpochs: 6, learningRate: 1e-3, studentLearningRate: 2e-3 } as const;

export async function distill(o: DistillOptions = {}): Promise<DistillResult> {
  if ((o.data ?? DATASET_NAME) !== DATASET_NAME) throw new PareError('distill_data', `Unknown dataset "${o.data}"; available: ${DATASET_NAME}.`);
  const seed = o.seed ?? DEFAULTS.seed;
  const temperature = o.temperature ?? DEFAULTS.temperature;
  const alpha = o.alpha ?? DEFAULTS.alpha;
  const batchSize = o.batchSize ?? DEFAULTS.batchSize;
  const modelName = o.model ?? 'spam';
  const say = (phase: DistillPhase, message: string, extra: Partial<DistillProgress> = {}) => o.onProgress?.({ phase, message, ...extra });
  const teacherSpec = o.teacher ?? { kind: 'train' };
  // A teacher that cleans mail was trained on cleaned mail: by default its student reads mail the same way.
  const text = o.text ?? (teacherSpec.kind === 'onnx' && teacherSpec.manifest.preprocess?.clean === 'mail' ? 'mail' : undefined);
  // Models trained on cleaned mail say so in their manifests, and serving cleans what clients send the same way.
  const clean = text === 'mail' ? ('mail' as const) : undefined;
  await init('wasm');

  say('data', 'loading SpamAssassin');
  const data = loadSpamAssassin({ seed, limit: o.limit, text });
  const bagSpec = o.student?.family === 'bag' ? o.student : undefined;
  say('tokenizer', teacherSpec.kind === 'onnx' ? 'using the teacher manifest tokenizer' : 'training WordPiece vocabulary');
  let tokenizer: TokenizerSpec;
  if (teacherSpec.kind === 'onnx' && bagSpec) {
    // The teacher reads with its own tokenizer (any kind); the encoded splits below only serve the encoder path.
    tokenizer = trainWordPiece(data.train.slice(0, 1).map((e) => e.text), { vocabSize: 16, maxLength: 8 });
  } else if (teacherSpec.kind === 'onnx') {
    const t = teacherSpec.manifest.preprocess?.tokenizer;
    if (!t) throw new PareError('distill_teacher', 'The teacher manifest has no preprocess.tokenizer: the student must read text the way the teacher does.');
    if (t.kind !== 'wordpiece' && t.kind !== 'bpe') throw new PareError('distill_teacher', `The teacher tokenizes with ${t.kind === 'huggingface' ? 'a Hugging Face tokenizer.json' : 'hashed n-grams'}; the transformer student reads the teacher's own vocabulary, so it needs a teacher whose manifest carries a wordpiece vocabulary.`);
    tokenizer = t;
  } else {
    tokenizer = trainWordPiece(data.train.map((e) => e.text), { vocabSize: o.vocabSize ?? DEFAULTS.vocabSize, maxLength: o.maxLength ?? DEFAULTS.maxLength });
  }
  const [train, val, test] = [encodeExamples(tokenizer, data.train), encodeExamples(tokenizer, data.val), encodeExamples(tokenizer, data.test)];
  const base = { vocabSize: tokenizer.vocab.length, maxLength: tokenizer.maxLength, numLabels: 2 };
  const provenance = { seed, datasetChecksum: data.checksum };
  const progress = (phase: DistillPhase) => (p: TrainProgress) =>
    say(phase, `step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(4)}`, { step: p.step, totalSteps: p.totalSteps, loss: p.loss });

  // Teacher: logits on the training split are all that distillation needs from it.
  let teacher: ExportedClassifier;
  let teacherTrainLogits: Float32Array;
  let teacherValLogits: Float32Array;
  let teacherTraining: DistillResult['teacherTraining'];
  if (teacherSpec.kind === 'onnx') {
    const names = { ids: teacherSpec.manifest.preprocess!.idsInput, mask: teacherSpec.manifest.preprocess!.maskInput ?? MASK_INPUT, logits: teacherSpec.manifest.postprocess?.output ?? LOGITS_OUTPUT };
    say('teacher-logits', 'running the teacher over the training split');
    let testLogits: Float32Array;
    if (bagSpec) {
      const reader = await loadTextTokenizer(teacherSpec.manifest, teacherSpec.tokenizerJson);
      // Same seed and limit: the same split, row for row, whichever way its mails are read.
      const view = o.teacherText && o.teacherText !== (text ?? 'subject-body') ? loadSpamAssassin({ seed, limit: o.limit, text: o.teacherText }) : data;
      // A teacher that cleans its texts itself is sent them whole.
      const asSent = teacherSpec.manifest.preprocess?.clean !== undefined;
      const run = (xs: typeof data.train) => textLogits(teacherSpec.bytes, teacherSpec.manifest, xs.map((e) => (asSent ? e.raw : e.text)), 'node', 64, reader);
      [teacherTrainLogits, teacherValLogits, testLogits] = [await run(view.train), await run(view.val), await run(view.test)];
    } else {
      teacherTrainLogits = await onnxLogits(teacherSpec.bytes, train, names, 2);
      teacherValLogits = await onnxLogits(teacherSpec.bytes, val, names, 2);
      testLogits = await onnxLogits(teacherSpec.bytes, test, names, 2);
    }
    teacher = { onnx: decodeModel(teacherSpec.bytes).model, bytes: teacherSpec.bytes, manifest: teacherSpec.manifest, metrics: classifierMetrics(testLogits, test), parameters: teacherSpec.manifest.parameters ?? 0, testLogits };
  } else {
    const config: EncoderConfig = { ...base, ...TEACHER_SIZE, ...teacherSpec.size };
    const model = initEncoder(config, seed);
    say('teacher', `training teacher (${countParameters(config)} parameters)`);
    const r = await trainEncoder(model, train, { epochs: teacherSpec.epochs ?? DEFAULTS.teacherEpochs, batchSize, learningRate: teacherSpec.learningRate ?? DEFAULTS.learningRate, seed, validation: val, patience: teacherSpec.patience, onProgress: progress('teacher'), signal: o.signal });
    if (r.validationAccuracy) say('teacher', `validation accuracy by epoch ${r.validationAccuracy.map((a) => a.toFixed(4)).join(', ')}; kept epoch ${r.bestEpoch! + 1}${r.stoppedEarly ? ' (stopped early)' : ''}`);
    say('teacher-logits', 'teacher logits on the training split');
    teacherTrainLogits = predictLogits(model, train);
    teacherValLogits = predictLogits(model, val);
    teacher = await exportClassifier(model, test, { model: modelName, variant: 'teacher', tokenizer, provenance, clean });
    teacher.trainSeconds = r.seconds;
    if (r.validationAccuracy) teacherTraining = { validationAccuracy: r.validationAccuracy, bestEpoch: r.bestEpoch!, stoppedEarly: r.stoppedEarly };
  }

  const testTexts = data.test.map((e) => ({ text: clean ? e.raw : e.text, label: e.label as number }));
  const datasetInfo = { name: DATASET_NAME, checksum: data.checksum, train: data.train.length, val: data.val.length, test: data.test.length, duplicatesRemoved: data.stats.duplicatesRemoved };
  const passes = [{ name: 'distill', options: { temperature, alpha, teacherSha256: teacher.manifest.sha256, ...(text ? { text } : {}) } }];
  if (bagSpec) {
    say('student', `distilling a hashed n-gram bag student (T=${temperature}, alpha=${alpha})`);
    const positive = o.positive ?? 'spam';
    if (!(LABELS as readonly string[]).includes(positive)) throw new PareError('option_invalid', `positive: "${positive}" is not a label; labels: ${LABELS.join(', ')}.`);
    const { exported, ...bag } = await distillBag({
      spec: bagSpec, splits: data, teacher: { train: teacherTrainLogits, val: teacherValLogits }, kd: { temperature, alpha }, seed,
      model: modelName, variant: 'student', labels: LABELS, clean, targetFpr: o.targetFpr, positive: (LABELS as readonly string[]).indexOf(positive),
      provenance: { ...provenance, source: 'teacher', sourceSha256: teacher.manifest.sha256, passes: [{ ...passes[0]!, options: { ...passes[0]!.options, family: 'bag' } }] },
      onProgress: progress('student'), signal: o.signal,
    });
    say('student', `validation ${bagSpec.earlyStopping === 'accuracy' ? 'accuracy' : 'agreement'} by epoch ${bag.train.validationAgreement?.map((a) => a.toFixed(4)).join(', ')}; kept epoch ${(bag.train.bestEpoch ?? 0) + 1}${bag.train.stoppedEarly ? ' (stopped early)' : ''}; temperature ${bag.temperature.toFixed(3)}`);
    say('evaluate', 'comparing student and teacher');
    return {
      studentModel: exported.onnx, manifest: exported.manifest, student: exported, teacher, tokenizer: bag.tokenizer, testSet: test, testTexts, bag, teacherTraining,
      metrics: { ...exported.metrics, teacherAgreement: teacherAgreement(teacher, exported, test), parameterRatio: teacher.parameters ? exported.parameters / teacher.parameters : Number.NaN },
      dataset: datasetInfo,
    };
  }

  const sSpec: StudentSpec = o.student?.family === 'bag' ? {} : (o.student ?? {});
  const sConfig: EncoderConfig = { ...base, ...STUDENT_SIZE, ...sSpec.size };
  const student = initEncoder(sConfig, seed + 1);
  say('student', `distilling student (${countParameters(sConfig)} parameters, T=${temperature}, alpha=${alpha})`);
  const r = await trainEncoder(student, train, {
    epochs: sSpec.epochs ?? DEFAULTS.studentEpochs, batchSize, learningRate: sSpec.learningRate ?? DEFAULTS.studentLearningRate, seed: seed + 1,
    kd: { temperature, alpha, teacherLogits: teacherTrainLogits }, validation: val, onProgress: progress('student'), signal: o.signal,
  });
  if (r.validationAccuracy) say('student', `validation accuracy by epoch ${r.validationAccuracy.map((a) => a.toFixed(4)).join(', ')}; kept epoch ${r.bestEpoch! + 1}`);
  say('export', 'exporting the student to ONNX');
  const exported = await exportClassifier(student, test, { model: modelName, variant: 'student', tokenizer, clean, provenance: { ...provenance, source: 'teacher', sourceSha256: teacher.manifest.sha256, passes } });
  exported.trainSeconds = r.seconds;

  say('evaluate', 'comparing student and teacher');
  const agreement = teacherAgreement(teacher, exported, test);
  return {
    studentModel: exported.onnx, manifest: exported.manifest, student: exported, teacher, tokenizer, testSet: test, testTexts, teacherTraining,
    metrics: { ...exported.metrics, teacherAgreement: agreement, parameterRatio: teacher.parameters ? exported.parameters / teacher.parameters : Number.NaN },
    dataset: datasetInfo,
  };
}

/** Share of test emails on which student and teacher predict the same label. */
function teacherAgreement(teacher: ExportedClassifier, student: ExportedClassifier, test: Pick<EncodedSet, 'n'>): number {
  const a = argmaxRows(teacher.testLogits, 2), b = argmaxRows(student.testLogits, 2);
  let same = 0;
  for (let i = 0; i < test.n; i++) if (a[i] === b[i]) same++;
  return same / Math.max(1, test.n);
}
