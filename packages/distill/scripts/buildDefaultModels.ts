import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { inlineTokenizer, type Manifest } from '@pare/runtime';
import { compressedManifest } from '@pare/runtime/manifest-builder';
import { mailMarkdown, type MailRow } from '../bench/mailReport';
import { measureLatencies } from '../bench/wasmLatency';
import { tfidfBytes, tfidfLogits, trainTfidf } from '../src/baseline/tfidfLogReg';
import { loadSpamAssassin } from '../src/data/spamAssassin';
import { distill, DEFAULTS } from '../src/distill';
import { textLogits } from '../src/export/textLogits';
import { expectedCalibrationError } from '../src/train/calibration';
import { classifierMetrics } from '../src/train/metrics';
import { compressStudent } from './compressVariants';

// `npm run models`: the default `spam` model, on mail read as a mail filter reads it (the runtime's filterText; each
// manifest says preprocess.clean "mail", so the edge cleans what it is sent), every variant the edge serves:
//   1. a transformer teacher trained on cleaned mail (MAIL_TEACHER: its window, epochs and early stopping were
//      chosen on validation accuracy with scripts/teacherRuns.ts);
//   2. a hashed n-gram bag student distilled from it, temperature-scaled on validation, with a threshold on P(spam)
//      chosen on validation for a 0.5% ham false-positive rate (stored in the manifest, applied by the edge);
//   3. the student compressed (int8; pruned 50% + int8);
//   4. every variant measured on whole raw test mails through its manifest, as the edge runs it (onnxruntime-web),
//      beside a TF-IDF + logistic regression baseline trained on the same split, raw and cleaned.
// Writes <out>/<variant>/{model.onnx,manifest.json} and <out>/metrics.json (default infra/models/spam, committed)
// and bench-results/distill-mail.md. Fixed seeds; the dataset checksum goes into every manifest.

// --quick: a small smoke run (a few hundred emails, one epoch each) that exercises every step in seconds;
// --json prints the summary (metrics.json) on stdout; --out / --bench redirect the artefacts (the smoke run should not
// overwrite the committed model).
const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, out: { type: 'string' }, bench: { type: 'string' }, 'target-fpr': { type: 'string', default: '0.005' } } });
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const outDir = resolve(args.out ?? join(root, 'infra/models/spam'));
const benchFile = resolve(args.bench ?? join(root, 'bench-results/distill-mail.md'));
const targetFpr = Number(args['target-fpr']);
const quick = args.quick
  ? { limit: 256, maxLength: 32, vocabSize: 500, teacher: { kind: 'train' as const, epochs: 1 }, bag: { epochs: 2, buckets: 4096 } }
  : undefined;
// The teacher reads the first 256 WordPiece tokens of the cleaned mail (about half the training mails are longer),
// for 3 epochs, keeping the epoch of best validation accuracy.
const MAIL_TEACHER = { maxLength: 256, teacher: { kind: 'train' as const, epochs: 3 } };
// The corpus labels are cleaner than any teacher's: they weigh 0.7 of the student's loss and early stopping watches
// validation accuracy.
const ALPHA = 0.3;
const started = performance.now();
const log = (msg: string) => process.stderr.write(`[models ${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s] ${msg}\n`);

let lastPhase = '';
const result = await distill({
  ...(quick ? { limit: quick.limit, maxLength: quick.maxLength, vocabSize: quick.vocabSize, teacher: quick.teacher } : MAIL_TEACHER),
  seed: DEFAULTS.seed, text: 'mail', alpha: ALPHA, targetFpr, positive: 'spam',
  student: { family: 'bag', earlyStopping: 'accuracy', ...quick?.bag },
  onProgress: (p) => {
    if (p.step === undefined || p.phase !== lastPhase || p.step % 50 === 0 || p.step === p.totalSteps) log(`${p.phase}: ${p.message}`);
    lastPhase = p.phase;
  },
});
const { teacher, student, bag } = result;
const threshold = result.manifest.postprocess!.threshold!;
const data = loadSpamAssassin({ seed: DEFAULTS.seed, text: 'mail', limit: quick?.limit });
const rawTest = data.test.map((e) => e.raw);
const test = { n: data.test.length, labels: Uint8Array.from(data.test, (e) => e.label), hard: Uint8Array.from(data.test, (e) => (e.hard ? 1 : 0)) };
log(`teacher accuracy ${teacher.metrics.accuracy.toFixed(4)}, student ${student.metrics.accuracy.toFixed(4)}`);

log('compressing the student (int8; pruned 50% + int8)');
const variants: { manifest: Manifest; bytes: Uint8Array }[] = [{ manifest: teacher.manifest, bytes: teacher.bytes }, { manifest: student.manifest, bytes: student.bytes }];
for (const c of compressStudent(result.studentModel)) {
  variants.push({ bytes: c.bytes, manifest: await compressedManifest(student.manifest, c.bytes, { variant: c.variant, passes: c.reports.map((r) => ({ name: r.pass, options: r.options })), metrics: {} }) });
}

// Every variant from whole raw mails through its manifest (cleaning, tokenizer, threshold), in onnxruntime-web as the edge runs it.
log('measuring every variant on the raw test mails in onnxruntime-web');
const trainerLogits: Record<string, Float32Array> = { teacher: teacher.testLogits, student: student.testLogits };
const logits: Record<string, Float32Array> = {};
for (const v of variants) logits[v.manifest.variant] = await textLogits(v.bytes, v.manifest, rawTest, 'web');
const studentPred = argmax(logits['student']!);

log('measuring latency in onnxruntime-web (wasm, 1 thread) on the median-length test mail');
const cleaned = data.test.map((e) => e.text);
const order = cleaned.map((t, i) => [t.length, i] as const).sort((a, b) => a[0] - b[0]);
const row = order[Math.floor(order.length / 2)]![1];
const feed = (manifest: Manifest) => {
  const e = inlineTokenizer(manifest).encode([cleaned[row]!]);
  return { ids: Array.from(e.ids, Number), mask: Array.from(e.attentionMask, Number), maxLength: e.dims[1] };
};
const latencyModels = variants.map((v) => ({ name: v.manifest.variant, bytes: v.bytes, input: feed(v.manifest) }));
const latency = await measureLatencies(latencyModels, latencyModels[0]!.input, { rounds: 10, runsPerRound: 20 });
const nodeLatency = await measureLatencies(latencyModels, latencyModels[0]!.input, { backend: 'node', rounds: 5, runsPerRound: 20 });

const variantRows: MailRow[] = [];
for (const v of variants) {
  const m = v.manifest, z = logits[m.variant]!;
  const metrics = classifierMetrics(z, test);
  const at = m.postprocess?.threshold ? atThreshold(z, m.postprocess.threshold.score) : undefined;
  const trainer = trainerLogits[m.variant];
  Object.assign(m.metrics, {
    accuracy: metrics.accuracy, precision: metrics.precision, recall: metrics.recall, f1: metrics.f1,
    hardHamFalsePositiveRate: metrics.hardHamFalsePositiveRate, hamFalsePositiveRate: metrics.hamFalsePositiveRate, testExamples: metrics.n,
    expectedCalibrationError: expectedCalibrationError(z, test.labels, 2),
    ...(at ? { thresholdAccuracy: at.accuracy, thresholdHamFalsePositiveRate: at.hamFpr, thresholdHardHamFalsePositiveRate: at.hardFpr } : {}),
    // Raw mails cleaned at serving time against the trainer's own rows: the cleaning is the one it trained on.
    ...(trainer ? { servingMaxAbsDiff: z.reduce((d, x, i) => Math.max(d, Math.abs(x - trainer[i]!)), 0) } : {}),
    ...(m.variant.startsWith('student-') ? { top1Agreement: argmax(z).reduce((n, p, i) => n + (p === studentPred[i] ? 1 : 0), 0) / test.n } : {}),
    wasmLatencyMs: latency[m.variant]!.medianMs, nodeLatencyMs: nodeLatency[m.variant]!.medianMs,
    wasmSpeedupVsTeacher: latency['teacher']!.medianMs / latency[m.variant]!.medianMs,
  });
  const dir = join(outDir, m.variant);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), v.bytes);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2) + '\n');
  variantRows.push({ model: m.variant === 'teacher' ? `teacher (transformer, ${m.parameters!.toLocaleString('en-US')} parameters)` : `${m.variant} (hashed word 1-2 grams, ${bag!.buckets} x 16)`, text: 'mail', metrics, bytes: m.bytes, ece: m.metrics['expectedCalibrationError']!, at, wasmMs: latency[m.variant]!.medianMs, speedup: m.metrics['wasmSpeedupVsTeacher']! });
  log(`${m.variant}: accuracy ${metrics.accuracy.toFixed(4)}, hard-ham FP ${metrics.hardHamFalsePositiveRate.toFixed(3)}${at ? `, at threshold ham FP ${at.hamFpr.toFixed(4)}` : ''}, ${v.bytes.byteLength} bytes`);
}

log('TF-IDF + logistic regression baseline on raw and cleaned mail');
const baselineRows: MailRow[] = [];
for (const text of ['subject-body', 'mail'] as const) {
  const d = text === 'mail' ? data : loadSpamAssassin({ seed: DEFAULTS.seed, text, limit: quick?.limit });
  const model = trainTfidf(d.train.map((e) => e.text), d.train.map((e) => e.label), { maxFeatures: 20_000, c: 100, steps: quick ? 30 : 300 });
  const z = tfidfLogits(model, d.test.map((e) => e.text));
  const tl = new Float32Array(z.length * 2);
  z.forEach((v, i) => (tl[2 * i + 1] = v));
  baselineRows.push({ model: 'TF-IDF 1-2 grams + logistic regression (20k features)', text, metrics: classifierMetrics(tl, test), bytes: tfidfBytes(model), ece: expectedCalibrationError(tl, test.labels, 2) });
}
const mailRows = [...baselineRows, ...variantRows];

function argmax(z: Float32Array): Uint8Array {
  return Uint8Array.from({ length: z.length / 2 }, (_, i) => (z[2 * i + 1]! > z[2 * i]! ? 1 : 0));
}

function atThreshold(z: Float32Array, score: number) {
  let fp = 0, neg = 0, hard = 0, hardFp = 0, correct = 0;
  for (let i = 0; i < test.n; i++) {
    const p = 1 / (1 + Math.exp(z[2 * i]! - z[2 * i + 1]!));
    const flagged = p >= score, spam = test.labels[i] === 1;
    if (!spam) { neg++; if (flagged) fp++; }
    if (test.hard[i]) { hard++; if (flagged) hardFp++; }
    if (flagged === spam) correct++;
  }
  return { hamFpr: fp / Math.max(1, neg), hardFpr: hardFp / Math.max(1, hard), accuracy: correct / Math.max(1, test.n) };
}

const seconds = (performance.now() - started) / 1000;
const summary = {
  command: 'npm run models', seconds, dataset: result.dataset, seed: DEFAULTS.seed, temperature: DEFAULTS.temperature, alpha: ALPHA, targetFpr, text: 'mail',
  teacherTrainSeconds: teacher.trainSeconds, teacherMaxLength: result.testSet.maxLength, teacherTraining: result.teacherTraining, studentTrainSeconds: bag!.train.seconds, onnxMaxAbsDiff: { teacher: teacher.onnxMaxAbsDiff, student: student.onnxMaxAbsDiff }, onnxWebMaxAbsDiff: { teacher: teacher.onnxWebMaxAbsDiff, student: student.onnxWebMaxAbsDiff },
  studentTemperature: bag!.temperature, threshold, ece: bag!.ece, training: bag!.train, studentTeacherAgreement: result.metrics.teacherAgreement, parameterRatio: result.metrics.parameterRatio,
  comparison: mailRows.map((r) => ({ model: r.model, text: r.text, accuracy: r.metrics.accuracy, hardHamFalsePositiveRate: r.metrics.hardHamFalsePositiveRate, hamFalsePositiveRate: r.metrics.hamFalsePositiveRate, ece: r.ece, bytes: r.bytes, at: r.at })),
};
writeFileSync(join(outDir, 'metrics.json'), JSON.stringify(summary, null, 2) + '\n');
mkdirSync(dirname(benchFile), { recursive: true });
const meta = { command: 'npm run models', script: 'packages/distill/scripts/buildDefaultModels.ts', seconds, datasetChecksum: result.dataset.checksum, testExamples: test.n, hardHam: test.hard.reduce((a, b) => a + b, 0), seed: DEFAULTS.seed, temperature: DEFAULTS.temperature, alpha: ALPHA, machine: '2 shared CPU cores, Node 20' };
writeFileSync(benchFile, mailMarkdown(mailRows, { ...meta, targetFpr, threshold: threshold.score, studentTemperature: bag!.temperature, agreement: result.metrics.teacherAgreement, teacherTokens: result.testSet.maxLength, teacherTraining: result.teacherTraining }));
log(`done in ${seconds.toFixed(0)} s`);
if (args.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
