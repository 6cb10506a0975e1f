import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { distill as runDistill, type DistillOptions, type DistillPhase, type TeacherOnnx } from '@pare/distill';
import { PareError } from '@pare/errors';
import { parseManifest } from '@pare/runtime';
import type { JobContext, JobHandler } from '../jobs/jobHandler';
import type { DistillSpec } from '../jobs/jobSpec';
import { publishVariant } from '../publish/edgePublisher';
import { deployedTeacher } from './deployedTeacher';
import { readFileRef } from './readFileRef';
import { distillUserTexts } from './distillTexts';
import { buildStudentVariants } from './studentVariants';

// `distill`: the @pare/distill pipeline as a job. Artifacts: student.onnx and its manifest (and the teacher's
// when trained here) plus metrics.json; with `publish`, the student then goes to the edge's admin API.

/** Where each phase sits on the job's 0..1 progress (training dominates the time). */
const PHASE_SPAN: Record<DistillPhase, [number, number]> = {
  data: [0, 0.02],
  tokenizer: [0.02, 0.05],
  teacher: [0.05, 0.5],
  'teacher-logits': [0.5, 0.55],
  student: [0.55, 0.95],
  export: [0.95, 0.97],
  evaluate: [0.97, 0.99],
};

export const distill: JobHandler<DistillSpec> = async (spec, ctx) => {
  if (spec.data !== 'spam-assassin') return distillUserTexts(spec, ctx, async (s, c) => (await teacherOption(s, c)) as TeacherOnnx);
  const teacher = await teacherOption(spec, ctx);
  let lastPhase: DistillPhase | undefined;
  let reached = 0;
  const result = await runDistill({
    teacher,
    data: spec.data,
    student: spec.student,
    text: spec.text,
    targetFpr: spec.targetFpr,
    positive: spec.positive,
    temperature: spec.temperature,
    alpha: spec.alpha,
    seed: spec.seed,
    limit: spec.limit,
    vocabSize: spec.vocabSize,
    maxLength: spec.maxLength,
    batchSize: spec.batchSize,
    model: spec.model,
    signal: ctx.signal,
    onProgress: (p) => {
      if (p.phase !== lastPhase) ctx.log.info(`${p.phase}: ${p.message}`);
      lastPhase = p.phase;
      const [start, end] = PHASE_SPAN[p.phase];
      const within = p.step !== undefined && p.totalSteps ? p.step / p.totalSteps : 0;
      // A phase may report again without a step (a summary line): progress never moves backwards.
      reached = Math.max(reached, start + (end - start) * within);
      ctx.progress(reached, `${p.phase}: ${p.message}`);
    },
  });

  const artifacts = ['student.onnx', 'student.manifest.json', 'metrics.json'];
  await writeFile(join(ctx.artifactsDir, 'student.onnx'), result.student.bytes);
  await writeFile(join(ctx.artifactsDir, 'student.manifest.json'), `${JSON.stringify(result.manifest, null, 2)}\n`);
  if (teacher?.kind !== 'onnx') {
    await writeFile(join(ctx.artifactsDir, 'teacher.onnx'), result.teacher.bytes);
    await writeFile(join(ctx.artifactsDir, 'teacher.manifest.json'), `${JSON.stringify(result.teacher.manifest, null, 2)}\n`);
    artifacts.push('teacher.onnx', 'teacher.manifest.json');
  }
  const metrics: Record<string, unknown> = {
    ...result.metrics,
    studentParameters: result.student.parameters,
    teacherParameters: result.teacher.parameters,
    teacherAccuracy: result.teacher.metrics.accuracy,
    studentBytes: result.student.bytes.byteLength,
    dataset: result.dataset,
  };
  const variants = await buildStudentVariants(result, spec.variants, ctx);
  for (const v of variants) artifacts.push(`${v.variant}.onnx`, `${v.variant}.manifest.json`);
  if (variants.length) metrics.variants = variants.map((v) => ({ variant: v.variant, bytes: v.bytes.byteLength, accuracy: v.accuracy }));
  await writeFile(join(ctx.artifactsDir, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);

  if (spec.publish) {
    const { edge, model, variant } = spec.publish;
    // admitJob (../jobs/admitJob.ts) fills it in from the origin's edges before the job is queued.
    if (!edge) throw new PareError('job_spec_invalid', 'publish.edge is missing: the origin names its edge when the job is submitted.');
    const uploads = [{ variant, bytes: result.student.bytes, manifest: result.manifest }, ...variants];
    const published = [];
    for (const upload of uploads) {
      ctx.progress(0.99, `publishing ${model}/${upload.variant} to ${edge}`);
      const answer = await publishVariant({ edge, model, variant: upload.variant, bytes: upload.bytes, manifest: { ...upload.manifest }, signal: ctx.signal });
      ctx.log.info(`Published ${model}/${upload.variant} to ${edge} (HTTP ${answer.status}).`);
      published.push({ variant: upload.variant, status: answer.status });
    }
    metrics.published = { edge, model, variants: published };
  }
  return { metrics, artifacts };
};

async function teacherOption(spec: DistillSpec, ctx: JobContext): Promise<DistillOptions['teacher']> {
  if (spec.teacherVariant) {
    const { edge, model, variant } = spec.teacherVariant;
    return deployedTeacher(spec.teacherVariant, {
      cacheDir: join(dirname(ctx.artifactsDir), '.teacher-models'), signal: ctx.signal,
      onFile: (file, from) => ctx.log.info(`teacher ${model}/${variant} ${file}: ${from === 'cache' ? 'from the cache' : `downloaded from ${edge}`}`),
    });
  }
  if (spec.teacher === 'train') return { kind: 'train' };
  if (typeof spec.teacher === 'object') return { kind: 'train', ...spec.teacher };
  const bytes = await readFileRef(spec.teacher, 'teacher', ctx.signal);
  const manifestRef = spec.teacherManifest ?? (/^https?:\/\//.test(spec.teacher) ? new URL('manifest.json', spec.teacher).href : join(dirname(spec.teacher), 'manifest.json'));
  const manifestText = new TextDecoder().decode(await readFileRef(manifestRef, 'teacherManifest', ctx.signal));
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(manifestText);
  } catch (cause) {
    throw new PareError('manifest_invalid', `teacherManifest: ${manifestRef} is not valid JSON.`, { cause });
  }
  return { kind: 'onnx', bytes, manifest: parseManifest(manifestJson) };
}
