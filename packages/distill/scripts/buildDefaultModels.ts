import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Manifest } from '@pare/runtime';
import { compressedManifest } from '@pare/runtime/manifest-builder';
import { benchMarkdown, type VariantRow } from '../bench/benchReport';
import { measureLatencies } from '../bench/wasmLatency';
import { distill, DEFAULTS } from '../src/distill';
import { argmaxRows, classifierMetrics } from '../src/train/metrics';
import { onnxLogits } from '../src/export/onnxLogits';
import { compressStudent } from './compressVariants';

// `npm run models`: trains the teacher, distils the student, compresses it, and writes every variant of the default
// `spam` model to infra/models/spam/<variant>/{model.onnx,manifest.json}, plus infra/models/spam/metrics.json and
// bench-results/distill.md. Fixed seeds; the dataset checksum goes into every manifest.

// --quick: a small smoke run (a few hundred emails, one epoch each) that exercises every step in seconds;
// --json prints the summary (metrics.json) on stdout; --out / --bench redirect the artefacts (the smoke run should not overwrite the committed model).
const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, out: { type: 'string' }, bench: { type: 'string' } } });
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const outDir = resolve(args.out ?? join(root, 'infra/models/spam'));
const benchFile = resolve(args.bench ?? join(root, 'bench-results/distill.md'));
const quick = args.quick
  ? { limit: 256, maxLength: 32, vocabSize: 500, teacher: { kind: 'train' as const, epochs: 1 }, student: { epochs: 1 } }
  : {};
const started = performance.now();
const log = (msg: string) => process.stderr.write(`[models ${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s] ${msg}\n`);

let lastPhase = '';
const result = await distill({
  ...quick,
  seed: DEFAULTS.seed,
  onProgress: (p) => {
    if (p.step === undefined || p.phase !== lastPhase || p.step % 20 === 0 || p.step === p.totalSteps) log(`${p.phase}: ${p.message}`);
    lastPhase = p.phase;
  },
});
const { teacher, student, testSet, tokenizer } = result;
log(`teacher accuracy ${teacher.metrics.accuracy.toFixed(4)}, student ${student.metrics.accuracy.toFixed(4)}; ONNX max |Δlogit| ${teacher.onnxMaxAbsDiff?.toExponential(2)} / ${student.onnxMaxAbsDiff?.toExponential(2)}`);

log('compressing the student (int8; pruned 50% + int8)');
const compressed = compressStudent(result.studentModel);
const names = { ids: 'input_ids', mask: 'attention_mask', logits: 'logits' };
const studentPred = argmaxRows(student.testLogits, 2);
const variants: { manifest: Manifest; bytes: Uint8Array }[] = [
  { manifest: teacher.manifest, bytes: teacher.bytes },
  { manifest: student.manifest, bytes: student.bytes },
];
for (const c of compressed) {
  const logits = await onnxLogits(c.bytes, testSet, names, 2);
  const m = classifierMetrics(logits, testSet);
  const pred = argmaxRows(logits, 2);
  const agree = pred.reduce((n, p, i) => n + (p === studentPred[i] ? 1 : 0), 0) / testSet.n;
  const manifest = await compressedManifest(student.manifest, c.bytes, {
    variant: c.variant,
    passes: c.reports.map((r) => ({ name: r.pass, options: r.options })),
    metrics: { accuracy: m.accuracy, precision: m.precision, recall: m.recall, f1: m.f1, hardHamFalsePositiveRate: m.hardHamFalsePositiveRate, testExamples: m.n, top1Agreement: agree },
  });
  variants.push({ manifest, bytes: c.bytes });
  log(`${c.variant}: accuracy ${m.accuracy.toFixed(4)}, ${c.bytes.byteLength} bytes, agreement with student ${agree.toFixed(4)}`);
}

log('measuring latency in onnxruntime-web (wasm, 1 thread)');
// A typical input: the test email whose token count is closest to the median (padding makes every input the same size).
const L = tokenizer.maxLength;
const lengths = Array.from({ length: testSet.n }, (_, i) => testSet.mask.subarray(i * L, i * L + L).reduce((a, b) => a + b, 0));
const median = [...lengths].sort((a, b) => a - b)[Math.floor(lengths.length / 2)]!;
const row = lengths.indexOf(median);
const latency = await measureLatencies(
  variants.map((v) => ({ name: v.manifest.variant, bytes: v.bytes })),
  { ids: testSet.ids.subarray(row * L, row * L + L), mask: testSet.mask.subarray(row * L, row * L + L), maxLength: L },
  { rounds: 10, runsPerRound: 20 },
);
const nodeLatency = await measureLatencies(variants.map((v) => ({ name: v.manifest.variant, bytes: v.bytes })),
  { ids: testSet.ids.subarray(row * L, row * L + L), mask: testSet.mask.subarray(row * L, row * L + L), maxLength: L }, { backend: 'node', rounds: 5, runsPerRound: 20 });

const rows: VariantRow[] = [];
for (const v of variants) {
  const m = v.manifest;
  m.metrics.wasmLatencyMs = latency[m.variant]!.medianMs;
  m.metrics.nodeLatencyMs = nodeLatency[m.variant]!.medianMs;
  m.metrics.wasmSpeedupVsTeacher = latency['teacher']!.medianMs / latency[m.variant]!.medianMs;
  const dir = join(outDir, m.variant);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), v.bytes);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2) + '\n');
  rows.push({
    variant: m.variant, accuracy: m.metrics.accuracy!, precision: m.metrics['precision']!, recall: m.metrics['recall']!, f1: m.metrics['f1']!,
    hardHamFpr: m.metrics['hardHamFalsePositiveRate']!, parameters: m.parameters!, bytes: m.bytes, gzipBytes: m.gzipBytes!,
    wasmMs: m.metrics.wasmLatencyMs, speedup: m.metrics['wasmSpeedupVsTeacher']!,
  });
}
const seconds = (performance.now() - started) / 1000;
const summary = {
  command: 'npm run models', seconds, dataset: result.dataset, seed: DEFAULTS.seed, temperature: DEFAULTS.temperature, alpha: DEFAULTS.alpha,
  teacherTrainSeconds: teacher.trainSeconds, studentTrainSeconds: student.trainSeconds, onnxMaxAbsDiff: { teacher: teacher.onnxMaxAbsDiff, student: student.onnxMaxAbsDiff }, onnxWebMaxAbsDiff: { teacher: teacher.onnxWebMaxAbsDiff, student: student.onnxWebMaxAbsDiff },
  studentTeacherAgreement: result.metrics.teacherAgreement, parameterRatio: result.metrics.parameterRatio, variants: rows,
};
writeFileSync(join(outDir, 'metrics.json'), JSON.stringify(summary, null, 2) + '\n');
mkdirSync(dirname(benchFile), { recursive: true });
const hardHam = testSet.hard.reduce((a, b) => a + b, 0);
writeFileSync(benchFile, benchMarkdown(rows, {
  command: 'npm run models', seconds, datasetChecksum: result.dataset.checksum, testExamples: testSet.n, hardHam, seed: DEFAULTS.seed,
  temperature: DEFAULTS.temperature, alpha: DEFAULTS.alpha, machine: '2 shared CPU cores, Node 20',
}));
log(`done in ${seconds.toFixed(0)} s: ${rows.map((r) => `${r.variant} ${(100 * r.accuracy).toFixed(2)}% ${(r.bytes / 1024).toFixed(0)} KiB ${r.wasmMs.toFixed(3)} ms`).join('; ')}`);
if (args.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');

// Then the same model on cleaned mail, teacher and students, beside the TF-IDF baseline (buildMailModels.ts).
const mail = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(dirname(fileURLToPath(import.meta.url)), 'buildMailModels.ts'),
  ...(args.quick ? ['--quick'] : []), '--out', args.out ? `${outDir}-mail` : join(root, 'infra/models/spam-mail'),
  '--bench', join(dirname(benchFile), 'distill-mail.md')], { stdio: ['ignore', 'ignore', 'inherit'] });
if (mail.status !== 0) process.exitCode = 1;
