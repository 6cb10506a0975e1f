import { stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { distillTexts, type TeacherOnnx } from '@pare/distill';
import { PareError } from '@pare/errors';
import { readModelFolder } from '@pare/runtime/folder';
import { variantManifest } from '@pare/runtime/manifest-builder';
import type { JobContext } from '../jobs/jobHandler';
import type { DistillSpec } from '../jobs/jobSpec';
import { publishVariant } from '../publish/edgePublisher';
import { readFileRef } from './readFileRef';
import { buildTextStudentVariants } from './textStudentVariants';

// `distill` on the user's own texts (spec.data names a file on the origin): the teacher is an ONNX file with its
// manifest, a Hugging Face folder or a deployed variant (./deployedTeacher.ts); its outputs are cached beside the jobs' artifacts, keyed by the teacher's
// and the data's hashes, so a retried job or one resumed after the origin restarted does not run it again.
// Compressed variants (spec.variants) are measured on the held-out texts (./textStudentVariants.ts); with
// spec.publish the student and its variants go to the edge, with the teacher's tokenizer.json where they name it.

/** Where each phase sits on the job's 0..1 progress. */
const SPAN = { data: [0, 0.05], 'teacher-logits': [0.05, 0.4], student: [0.4, 0.95], evaluate: [0.95, 0.99] } as const;

export async function distillUserTexts(spec: DistillSpec, ctx: JobContext, teacherManifestFor: (spec: DistillSpec, ctx: JobContext) => Promise<TeacherOnnx>): Promise<{ metrics: Record<string, unknown>; artifacts: string[] }> {
  if (!spec.teacherVariant && (typeof spec.teacher !== 'string' || spec.teacher === 'train')) throw new PareError('job_spec_invalid', 'teacher: distilling your own texts needs a teacher to label them: an ONNX file with its manifest, a Hugging Face folder or a deployed variant.', { status: 400 });
  const teacher = (typeof spec.teacher === 'string' && !spec.teacherVariant && await teacherFolder(spec.teacher)) || await teacherManifestFor(spec, ctx);
  const student = spec.student && 'family' in spec.student ? spec.student : undefined;
  if (spec.student && !student) throw new PareError('job_spec_invalid', 'student: your own texts train the bag student ({ "family": "bag", … }); the transformer student distils the bundled corpus.', { status: 400 });
  let phase = '';
  let reached = 0;
  const result = await distillTexts({
    data: { path: spec.data, validationPath: spec.validation, textField: spec.textField, labelField: spec.labelField, format: spec.format, limit: spec.limit },
    teacher, student: student ? { ...student } : undefined, temperature: spec.temperature, alpha: spec.alpha, seed: spec.seed,
    targetFpr: spec.targetFpr, positive: spec.positive, model: spec.model, signal: ctx.signal,
    cacheDir: join(dirname(ctx.artifactsDir), '.teacher-cache'),
    onProgress: (p) => {
      if (p.phase !== phase || p.step === undefined) ctx.log.info(`${p.phase}: ${p.message}`);
      phase = p.phase;
      const [start, end] = SPAN[p.phase];
      reached = Math.max(reached, start + (end - start) * (p.step !== undefined && p.totalSteps ? p.step / p.totalSteps : 0));
      ctx.progress(reached, `${p.phase}: ${p.message}`);
    },
  });
  await writeFile(join(ctx.artifactsDir, 'student.onnx'), result.student.bytes);
  await writeFile(join(ctx.artifactsDir, 'student.manifest.json'), `${JSON.stringify(result.student.manifest, null, 2)}\n`);
  // A student over the teacher's tokens names the teacher's tokenizer.json: `pare deploy student.onnx --manifest
  // student.manifest.json` finds it beside them.
  if (result.tokenizerJson) await writeFile(join(ctx.artifactsDir, 'tokenizer.json'), result.tokenizerJson);
  const metrics: Record<string, unknown> = {
    teacherAgreement: result.teacherAgreement, ...(result.accuracy !== undefined ? { accuracy: result.accuracy, teacherAccuracy: result.teacherAccuracy } : {}),
    expectedCalibrationError: result.bag.ece.calibrated, temperature: result.bag.temperature, ...(result.bag.threshold ? { thresholdLabel: result.bag.threshold.label, thresholdScore: result.bag.threshold.score, thresholdValidationFalsePositiveRate: result.bag.threshold.falsePositiveRate, thresholdTestFalsePositiveRate: result.bag.threshold.testFalsePositiveRate } : {}),
    studentFeatures: result.bag.features, studentBytes: result.student.bytes.byteLength, studentParameters: result.student.parameters, teacherFromCache: result.teacherFromCache, dataset: result.dataset, training: result.bag.train,
  };
  const artifacts = ['student.onnx', 'student.manifest.json', ...(result.tokenizerJson ? ['tokenizer.json'] : []), 'metrics.json'];
  const variants = await buildTextStudentVariants(result, spec.variants, ctx);
  for (const v of variants) artifacts.push(`${v.variant}.onnx`, `${v.variant}.manifest.json`);
  if (variants.length) metrics.variants = variants.map((v) => ({ variant: v.variant, bytes: v.bytes.byteLength, teacherAgreement: v.teacherAgreement, ...(v.accuracy !== undefined ? { accuracy: v.accuracy } : {}) }));
  if (spec.publish) {
    const { edge, model, variant } = spec.publish;
    // admitJob (../jobs/admitJob.ts) fills it in from the origin's edges before the job is queued.
    if (!edge) throw new PareError('job_spec_invalid', 'publish.edge is missing: the origin names its edge when the job is submitted.');
    const published = [];
    for (const upload of [{ variant, bytes: result.student.bytes, manifest: result.student.manifest }, ...variants]) {
      ctx.progress(0.99, `publishing ${model}/${upload.variant} to ${edge}`);
      // A student over its teacher's tokens takes the teacher's tokenizer.json with it.
      const answer = await publishVariant({ edge, model, variant: upload.variant, bytes: upload.bytes, manifest: { ...upload.manifest }, ...(result.tokenizerJson ? { tokenizer: result.tokenizerJson } : {}), signal: ctx.signal });
      ctx.log.info(`Published ${model}/${upload.variant} to ${edge} (HTTP ${answer.status}).`);
      published.push({ variant: upload.variant, status: answer.status });
    }
    metrics.published = { edge, model, variants: published };
  }
  await writeFile(join(ctx.artifactsDir, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  return { metrics, artifacts };
}

/** A Hugging Face export folder as a teacher: its graph, a manifest made from its config files, its tokenizer.json. */
async function teacherFolder(ref: string): Promise<TeacherOnnx | undefined> {
  if (/^https?:\/\//.test(ref) || !(await stat(ref).then((s) => s.isDirectory(), () => false))) return undefined;
  const folder = await readModelFolder(ref);
  const manifest = folder.manifest ?? await variantManifest(folder.modelBytes, { model: 'teacher', variant: 'teacher', ...folder.fields }, folder.model);
  return { kind: 'onnx', bytes: folder.modelBytes, manifest, tokenizerJson: folder.tokenizer.bytes };
}
