import { init } from '@jax-js/jax';
import { PareError } from '@pare/errors';
import { filterText, loadTextTokenizer } from '@pare/runtime';
import { distillBag, type BagDistillResult, type BagStudentSpec } from './bag/distillBag';
import type { LabelledText } from './bag/bagSet';
import { loadTextDataset, type TextDataset, type TextDatasetOptions, type TextExample } from './data/textDataset';
import type { TeacherOnnx } from './distill';
import type { ExportedClassifier } from './export/exportClassifier';
import { cachedTeacherLogits } from './teacher/teacherCache';
import { argmaxRows } from './train/metrics';

// Distillation on the user's own texts: a teacher given as ONNX + manifest (any tokenizer kind: a Hugging Face
// folder's tokenizer.json too) labels every text with its soft outputs, cached on disk by teacher and data hash;
// a bag student learns them. Rows without a label take the teacher's top label for the cross-entropy term.
// The student reads the teacher's own tokens by default (features "teacher-tokens", ./bag/bagFeatures.ts): it then
// carries the teacher's tokenizer (tokenizer.json too, returned for the variant's folder).

export interface DistillTextsOptions {
  data: TextDatasetOptions;
  teacher: TeacherOnnx;
  student?: Omit<BagStudentSpec, 'family'>;
  temperature?: number;
  alpha?: number;
  seed?: number;
  targetFpr?: number;
  /** The positive label for targetFpr: one of the teacher's labels. */
  positive?: string;
  model?: string;
  /** Where the teacher's outputs are cached (a retried or resumed job reuses them); none: not cached. */
  cacheDir?: string;
  onProgress?: (e: { phase: 'data' | 'teacher-logits' | 'student' | 'evaluate'; message: string; step?: number; totalSteps?: number; loss?: number }) => void;
  signal?: AbortSignal;
}

export interface DistillTextsResult {
  student: ExportedClassifier;
  bag: Omit<BagDistillResult, 'exported'>;
  labels: string[];
  dataset: { checksum: string; train: number; val: number; test: number; rows: number; duplicatesRemoved: number; labelled: number };
  /** The teacher's tokenizer.json, when the student's manifest names it (teacher-token features, Hugging Face tokenizer). */
  tokenizerJson?: Uint8Array;
  /** The held-out texts as the file gave them (a variant made later is measured on them), the teacher's label
   * index of each, and its label index where the file has one. */
  test: { texts: string[]; teacherLabels: Uint8Array; labels: Array<number | undefined> };
  /** Share of test texts on which student and teacher give the same label. */
  teacherAgreement: number;
  /** Accuracy on the labelled test texts, when there are any. */
  accuracy?: number;
  teacherAccuracy?: number;
  teacherFromCache: boolean;
}

export async function distillTexts(o: DistillTextsOptions): Promise<DistillTextsResult> {
  const seed = o.seed ?? 1;
  const say = o.onProgress ?? (() => {});
  await init('wasm');
  say({ phase: 'data', message: `reading ${o.data.path}` });
  const data = await loadTextDataset({ ...o.data, seed, signal: o.signal });
  if (data.train.length === 0 || data.val.length === 0 || data.test.length === 0) {
    throw new PareError('dataset_empty', `data: ${o.data.path} gave ${data.train.length} training, ${data.val.length} validation and ${data.test.length} test texts; every split needs some.`);
  }
  const labels = o.teacher.manifest.postprocess?.labels;
  if (!labels) throw new PareError('distill_teacher', `The teacher manifest has no postprocess.labels: the student answers with the teacher's labels.`);
  say({ phase: 'data', message: `${data.stats.rows} rows: ${data.train.length} train, ${data.val.length} validation, ${data.test.length} test (${data.stats.labelled} labelled, ${data.stats.duplicatesRemoved} duplicates dropped)` });

  const all = [...data.train, ...data.val, ...data.test];
  const reader = await loadTextTokenizer(o.teacher.manifest, o.teacher.tokenizerJson);
  const { logits, fromCache } = await cachedTeacherLogits({ bytes: o.teacher.bytes, manifest: o.teacher.manifest, tokenizer: reader }, all.map((e) => e.text), data.checksum, {
    cacheDir: o.cacheDir, signal: o.signal, onBatch: (done, total) => say({ phase: 'teacher-logits', message: `teacher outputs ${done}/${total}`, step: done, totalSteps: total }),
  });
  say({ phase: 'teacher-logits', message: fromCache ? 'teacher outputs read from the cache (not recomputed)' : `teacher outputs for ${all.length} texts computed and cached` });
  const K = labels.length;
  const [nTrain, nVal] = [data.train.length, data.val.length];
  const part = (from: number, to: number) => logits.subarray(from * K, to * K);
  const teacherTop = argmaxRows(logits, K);
  const labelIndex = (e: TextExample, i: number): number => (e.label === undefined ? teacherTop[i]! : labelOf(e.label, labels, e.id));
  // A teacher that cleans its texts (preprocess.clean) hands the cleaning on: the student learns from cleaned texts
  // and its manifest has the edge clean what it is sent the same way.
  const clean = o.teacher.manifest.preprocess?.clean;
  const asLabelled = (xs: TextExample[], offset: number): LabelledText[] => xs.map((e, i) => ({ text: clean ? filterText(e.text) : e.text, raw: e.text, label: labelIndex(e, offset + i), hard: false }));

  const positive = o.positive === undefined ? undefined : labels.indexOf(o.positive);
  if (positive === -1) throw new PareError('option_invalid', `--positive: "${o.positive}" is not one of the teacher's labels (${labels.join(', ')}).`);
  if (o.targetFpr !== undefined && positive === undefined) throw new PareError('option_invalid', '--target-fpr needs --positive <label>: the label whose false positives it bounds.');
  const temperature = o.temperature ?? 2, alpha = o.alpha ?? 0.7;
  say({ phase: 'student', message: `distilling a hashed n-gram bag student (T=${temperature}, alpha=${alpha})` });
  const { exported, ...bag } = await distillBag({
    spec: { family: 'bag', features: 'teacher-tokens', ...o.student }, seed, kd: { temperature, alpha },
    teacherTokenizer: { spec: o.teacher.manifest.preprocess!.tokenizer, reader },
    splits: { train: asLabelled(data.train, 0), val: asLabelled(data.val, nTrain), test: asLabelled(data.test, nTrain + nVal) },
    teacher: { train: part(0, nTrain), val: part(nTrain, nTrain + nVal) },
    model: o.model ?? 'text', variant: 'student', labels, clean, targetFpr: o.targetFpr, positive,
    provenance: { seed, datasetChecksum: data.checksum, source: 'teacher', sourceSha256: o.teacher.manifest.sha256, passes: [{ name: 'distill', options: { temperature, alpha, family: 'bag', teacherSha256: o.teacher.manifest.sha256 } }] },
    onProgress: (p) => say({ phase: 'student', message: `step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(4)}`, step: p.step, totalSteps: p.totalSteps, loss: p.loss }),
    signal: o.signal,
  });

  say({ phase: 'evaluate', message: 'comparing student and teacher on the test texts' });
  const testTeacher = teacherTop.subarray(nTrain + nVal);
  const studentTop = argmaxRows(exported.testLogits, K);
  const agreement = share(studentTop, (p, i) => p === testTeacher[i]);
  const labelled = data.test.map((e, i) => [e, i] as const).filter(([e]) => e.label !== undefined);
  const accuracyOf = (pred: ArrayLike<number>) => labelled.filter(([e, i]) => pred[i] === labelOf(e.label!, labels, e.id)).length / labelled.length;
  return {
    student: exported, bag, labels, teacherAgreement: agreement, teacherFromCache: fromCache,
    test: { texts: data.test.map((e) => e.text), teacherLabels: Uint8Array.from(testTeacher), labels: data.test.map((e) => (e.label === undefined ? undefined : labelOf(e.label, labels, e.id))) },
    ...(bag.features === 'teacher-tokens' && bag.tokenizer.kind === 'huggingface' && o.teacher.tokenizerJson ? { tokenizerJson: o.teacher.tokenizerJson } : {}),
    ...(labelled.length ? { accuracy: accuracyOf(studentTop), teacherAccuracy: accuracyOf(testTeacher) } : {}),
    dataset: datasetSummary(data),
  };
}

function labelOf(label: string, labels: readonly string[], where: string): number {
  const at = labels.indexOf(label);
  if (at >= 0) return at;
  const n = Number(label);
  if (Number.isInteger(n) && n >= 0 && n < labels.length) return n;
  throw new PareError('dataset_invalid', `data: ${where} has label "${label}", which is not one of the teacher's labels (${labels.join(', ')}) or their index.`);
}

function share<T>(xs: ArrayLike<T>, ok: (x: T, i: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < xs.length; i++) if (ok(xs[i]!, i)) n++;
  return n / Math.max(1, xs.length);
}

function datasetSummary(d: TextDataset): DistillTextsResult['dataset'] {
  return { checksum: d.checksum, train: d.train.length, val: d.val.length, test: d.test.length, ...d.stats };
}
