import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parseManifest } from '@pare/runtime';
import { parseJobSpec, type DistillSpec, type EvaluateSpec } from '../jobs/jobSpec';
import { recordingContext } from '../../test/recordingContext';
import { startStandInEdge, type StandInEdge } from '../../test/standInEdge';
import { distill } from './distill';
import { evaluate } from './evaluate';

// A tiny real distillation (128 emails, a 2-layer d=32 teacher, a 1-layer d=8 student, one epoch each)
// through the job handler, publishing the student to a stand-in edge.

let edge: StandInEdge;
beforeAll(async () => {
  edge = await startStandInEdge('tok');
});
afterAll(() => edge.close());

test('trains a teacher, distils a student, writes artifacts and publishes the student', async () => {
  process.env.PARE_TOKEN = 'tok';
  const spec = parseJobSpec({
    type: 'distill',
    limit: 128, vocabSize: 300, maxLength: 24, batchSize: 32, seed: 3, temperature: 3, alpha: 0.5,
    teacher: { size: { dModel: 32, heads: 2, layers: 2, ffDim: 64 }, epochs: 1 },
    student: { size: { dModel: 8, heads: 2, layers: 1, ffDim: 16 }, epochs: 1 },
    variants: [{ variant: 'student-int8', options: { quantize: 'int8-dynamic' } }],
    publish: { edge: edge.url, model: 'spam', variant: 'student-test' },
  }) as DistillSpec;
  const ctx = recordingContext();
  const result = await distill(spec, ctx);
  expect(result.artifacts).toEqual([
    'student.onnx', 'student.manifest.json', 'metrics.json', 'teacher.onnx', 'teacher.manifest.json', 'student-int8.onnx', 'student-int8.manifest.json',
  ]);
  const manifest = parseManifest(JSON.parse(readFileSync(join(ctx.artifactsDir, 'student.manifest.json'), 'utf8')));
  expect(manifest.variant).toBe('student');
  expect(result.metrics.parameterRatio).toBeLessThan(0.25);
  expect(result.metrics.published).toMatchObject({ model: 'spam', variants: [{ variant: 'student-test', status: 201 }, { variant: 'student-int8', status: 201 }] });
  const [upload, int8Upload] = edge.received;
  expect(upload!.manifest).toMatchObject({ model: 'spam', variant: 'student-test', bytes: readFileSync(join(ctx.artifactsDir, 'student.onnx')).byteLength });
  // The int8 variant is smaller, names its source and passes, and carries the accuracy measured on the test split.
  const int8Manifest = parseManifest(JSON.parse(readFileSync(join(ctx.artifactsDir, 'student-int8.manifest.json'), 'utf8')));
  expect(int8Manifest.bytes).toBeLessThan(manifest.bytes);
  expect(int8Manifest.sha256).toBe(int8Upload!.manifest.sha256);
  expect(int8Manifest.provenance).toMatchObject({ source: 'student', sourceSha256: manifest.sha256 });
  expect(int8Manifest.provenance.passes.at(-1)!.name).toMatch(/int8-dynamic/);
  expect(int8Manifest.metrics.accuracy).toBeGreaterThanOrEqual(0);
  expect(Math.abs(int8Manifest.metrics.accuracy! - (result.metrics.accuracy as number))).toBeLessThan(0.1);

  // The origin's evaluate job (onnxruntime-node, the runtime's tokenizer, the same seed and test split) reads
  // the student exactly as the trainer measured it.
  const evaluation = await evaluate(parseJobSpec({
    type: 'evaluate', model: join(ctx.artifactsDir, 'student.onnx'), manifest: join(ctx.artifactsDir, 'student.manifest.json'),
    data: 'spam-assassin', seed: 3, limit: 128,
  }) as EvaluateSpec, recordingContext());
  expect(evaluation.metrics.labels).toEqual(['ham', 'spam']);
  expect(evaluation.metrics.labelled).toBe(result.metrics.n);
  expect(evaluation.metrics.accuracy).toBeCloseTo(result.metrics.accuracy as number, 10);

  // Progress moves forward through the phases and ends near the top.
  expect(ctx.progressSeen).toEqual([...ctx.progressSeen].sort((a, b) => a - b));
  expect(ctx.progressSeen.at(-1)!).toBeGreaterThan(0.95);
}, 120_000);

test('a teacher config with an unknown size field is refused at submission', () => {
  expect(() => parseJobSpec({ type: 'distill', teacher: { size: { width: 3 } } })).toThrow(/Invalid job spec: teacher.size.width: unknown field/);
});

test('compressed variant names that would overwrite an artifact or another variant are refused at submission', () => {
  const int8 = { quantize: 'int8-dynamic' };
  // student.onnx / teacher.onnx are the job's own artifacts; a variant of that name would overwrite them.
  expect(() => parseJobSpec({ type: 'distill', variants: [{ variant: 'student', options: int8 }] })).toThrow(/variants\.0\.variant: .*student/);
  expect(() => parseJobSpec({ type: 'distill', variants: [{ variant: 'teacher', options: int8 }] })).toThrow(/variants\.0\.variant: .*teacher/);
  expect(() => parseJobSpec({ type: 'distill', variants: [{ variant: 'a', options: int8 }, { variant: 'a', options: {} }] })).toThrow(/variants\.1\.variant: .*"a"/);
  // Published after the student under the same name, it would replace the student on the edge.
  expect(() => parseJobSpec({ type: 'distill', variants: [{ variant: 'student-x', options: int8 }], publish: { edge: 'http://e.example', model: 'spam', variant: 'student-x' } }))
    .toThrow(/variants\.0\.variant: .*student-x/);
  expect(() => parseJobSpec({ type: 'distill', variants: [{ variant: 'student-int8', options: int8 }] })).not.toThrow();
});

test('distils your own texts from a file: a bag student, and a retried job reads the teacher outputs from the cache', async () => {
  const { mkdirSync, mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { loadSpamAssassin } = await import('@pare/distill');
  const root = mkdtempSync(join(tmpdir(), 'pare-distill-texts-'));
  const data = join(root, 'texts.jsonl');
  writeFileSync(data, loadSpamAssassin({ seed: 1, limit: 120 }).train.map((e, i) => JSON.stringify(i % 3 ? { body: e.text } : { body: e.text, y: e.label ? 'spam' : 'ham' })).join('\n'));
  // The committed student-int8 (model.onnx with manifest.json beside it) stands in for the user's teacher.
  const teacher = join(import.meta.dirname, '../../../../infra/models/spam/student-int8/model.onnx');
  const spec = parseJobSpec({ type: 'distill', data, textField: 'body', labelField: 'y', teacher, student: { family: 'bag', buckets: 1024, dim: 8, epochs: 2 }, targetFpr: 0.05, positive: 'spam', model: 'mine' }) as DistillSpec;
  const job = (id: string) => {
    const ctx = recordingContext();
    mkdirSync(join(root, 'jobs', id), { recursive: true });
    return { ...ctx, artifactsDir: join(root, 'jobs', id) };
  };
  const first = job('a');
  const result = await distill(spec, first);
  expect(result.artifacts).toEqual(['student.onnx', 'student.manifest.json', 'metrics.json']);
  expect(result.metrics).toMatchObject({ teacherFromCache: false, dataset: { rows: 120 } });
  const manifest = parseManifest(JSON.parse(readFileSync(join(first.artifactsDir, 'student.manifest.json'), 'utf8')));
  // The student reads the teacher's own tokens by default: it names the teacher's tokenizer, and hashes into its own 1024 rows.
  const teacherManifest = parseManifest(JSON.parse(readFileSync(join(dirname(teacher), 'manifest.json'), 'utf8')));
  expect(manifest).toMatchObject({ model: 'mine', preprocess: { tokenizer: teacherManifest.preprocess!.tokenizer }, postprocess: { labels: ['ham', 'spam'], threshold: { label: 'spam' } } });
  expect(result.metrics).toMatchObject({ studentFeatures: 'teacher-tokens' });
  const retry = job('b');
  expect((await distill(spec, retry)).metrics).toMatchObject({ teacherFromCache: true });
  expect(retry.logs.some((l) => /read from the cache/.test(l.message))).toBe(true);
}, 120_000);

test('distils your own texts from a Hugging Face folder: the student names its tokenizer and tokenizer.json is an artifact', async () => {
  const { mkdirSync, mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { loadSpamAssassin } = await import('@pare/distill');
  const root = mkdtempSync(join(tmpdir(), 'pare-distill-folder-'));
  const data = join(root, 'texts.jsonl');
  writeFileSync(data, loadSpamAssassin({ seed: 1, limit: 120, text: 'mail' }).train.map((e) => JSON.stringify({ text: e.text })).join('\n'));
  const folder = join(import.meta.dirname, '../../../../packages/runtime/test/fixtures/hf/distilbert-spam');
  process.env.PARE_TOKEN = 'tok';
  const spec = parseJobSpec({
    type: 'distill', data, teacher: folder, student: { family: 'bag', buckets: 1024, dim: 8, epochs: 2 }, model: 'mine',
    variants: [{ variant: 'student-int8', options: { quantize: 'int8-weights', perChannel: true } }],
    publish: { edge: edge.url, model: 'mine', variant: 'student' },
  }) as DistillSpec;
  const ctx = { ...recordingContext(), artifactsDir: join(root, 'jobs', 'a') };
  mkdirSync(ctx.artifactsDir, { recursive: true });
  const received = edge.received.length;
  const result = await distill(spec, ctx);
  expect(result.artifacts).toEqual(['student.onnx', 'student.manifest.json', 'tokenizer.json', 'metrics.json', 'student-int8.onnx', 'student-int8.manifest.json']);
  const tokenizer = readFileSync(join(folder, 'tokenizer.json'));
  expect(readFileSync(join(ctx.artifactsDir, 'tokenizer.json')).equals(tokenizer)).toBe(true);
  const manifest = parseManifest(JSON.parse(readFileSync(join(ctx.artifactsDir, 'student.manifest.json'), 'utf8')));
  expect(manifest.preprocess?.tokenizer).toMatchObject({ kind: 'huggingface', sha256: createHash('sha256').update(tokenizer).digest('hex') });
  // The int8 variant is smaller, measured on the held-out texts as the edge serves it, and both went to the edge
  // with the teacher's tokenizer.json.
  const int8 = parseManifest(JSON.parse(readFileSync(join(ctx.artifactsDir, 'student-int8.manifest.json'), 'utf8')));
  expect(int8.bytes).toBeLessThan(manifest.bytes / 2);
  expect(int8.metrics.teacherAgreement).toBeGreaterThan(0.5);
  expect(Math.abs(int8.metrics.teacherAgreement! - (result.metrics.teacherAgreement as number))).toBeLessThan(0.05);
  expect(result.metrics.published).toMatchObject({ model: 'mine', variants: [{ variant: 'student', status: 201 }, { variant: 'student-int8', status: 201 }] });
  const uploads = edge.received.slice(received);
  expect(uploads.map((u) => u.manifest.variant)).toEqual(['student', 'student-int8']);
  for (const u of uploads) expect(Buffer.from(u.tokenizer!).equals(tokenizer)).toBe(true);
}, 120_000);

test("distils your own texts from a deployed variant, read through the edge's admin API", async () => {
  const { mkdirSync, mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { loadSpamAssassin } = await import('@pare/distill');
  const { EdgeClient } = await import('@pare/clients');
  const { admitJob } = await import('../jobs/admitJob');
  const teacherEdge = await startStandInEdge('tok');
  try {
    const dir = join(import.meta.dirname, '../../../../infra/models/spam/student-int8');
    const bytes = new Uint8Array(readFileSync(join(dir, 'model.onnx')));
    await new EdgeClient({ endpoint: teacherEdge.url, token: 'tok' }).deployVariant({ model: 'spam', variant: 'student-int8', bytes, manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) });
    const root = mkdtempSync(join(tmpdir(), 'pare-distill-deployed-'));
    const data = join(root, 'texts.jsonl');
    writeFileSync(data, loadSpamAssassin({ seed: 1, limit: 120 }).train.map((e) => JSON.stringify({ text: e.text })).join('\n'));
    process.env.PARE_TOKEN = 'tok';
    const submitted = parseJobSpec({ type: 'distill', data, teacher: `${teacherEdge.url}/spam/student-int8`, student: { family: 'bag', buckets: 1024, dim: 8, epochs: 2 }, model: 'mine' });
    const spec = admitJob(submitted, { dataRoots: [root], fetchHosts: [], edgeUrls: [teacherEdge.url] }) as DistillSpec;
    expect(spec.teacherVariant).toEqual({ edge: teacherEdge.url, model: 'spam', variant: 'student-int8' });
    const ctx = { ...recordingContext(), artifactsDir: join(root, 'jobs', 'a') };
    mkdirSync(ctx.artifactsDir, { recursive: true });
    const result = await distill(spec, ctx);
    expect(result.artifacts).toEqual(['student.onnx', 'student.manifest.json', 'metrics.json']);
    expect(result.metrics.teacherAgreement).toBeGreaterThan(0.5);
    expect(ctx.logs.some((l) => l.message === `teacher spam/student-int8 model.onnx: downloaded from ${teacherEdge.url}`)).toBe(true);
    expect(teacherEdge.downloads).toEqual(['/admin/models/spam/variants/student-int8/model.onnx']);
  } finally {
    await teacherEdge.close();
  }
}, 120_000);
