import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compressModel, describeOptions, type CompressOptions } from '@pare/compress';
import { argmaxRows, textLogits, type DistillTextsResult } from '@pare/distill';
import { encodeModel } from '@pare/onnx';
import { loadTextTokenizer } from '@pare/runtime';
import { compressedManifest } from '@pare/runtime/manifest-builder';
import type { JobContext } from '../jobs/jobHandler';
import type { VariantRequest } from './studentVariants';

export interface TextStudentVariant {
  variant: string;
  bytes: Uint8Array;
  manifest: Awaited<ReturnType<typeof compressedManifest>>;
  teacherAgreement: number;
  accuracy?: number;
}

// Compressed variants of a student distilled on the user's texts (./distillTexts.ts), each measured as the edge
// serves it: the held-out texts as the file gave them, through the variant's cleaning and tokenizer (the
// teacher's tokenizer.json for a student over teacher tokens), in onnxruntime-web (wasm). Its manifest carries its
// agreement with the teacher and, where the texts are labelled, its accuracy.

export async function buildTextStudentVariants(result: DistillTextsResult, requests: readonly VariantRequest[], ctx: JobContext): Promise<TextStudentVariant[]> {
  const built: TextStudentVariant[] = [];
  if (requests.length === 0) return built;
  const student = result.student.manifest;
  const reader = await loadTextTokenizer(student, result.tokenizerJson);
  const { texts, teacherLabels, labels } = result.test;
  const k = result.labels.length;
  for (const request of requests) {
    ctx.signal.throwIfAborted();
    const options = request.options as CompressOptions;
    const bytes = encodeModel((await compressModel(result.student.onnx, options)).model);
    await writeFile(join(ctx.artifactsDir, `${request.variant}.onnx`), bytes);
    const predicted = argmaxRows(await textLogits(bytes, student, texts, 'web', 64, reader), k);
    const share = (ok: (p: number, i: number) => boolean | undefined, of: number) => predicted.filter((p, i) => ok(p, i)).length / Math.max(1, of);
    const teacherAgreement = share((p, i) => p === teacherLabels[i], texts.length);
    const labelled = labels.filter((y) => y !== undefined).length;
    const accuracy = labelled ? share((p, i) => labels[i] !== undefined && p === labels[i], labelled) : undefined;
    const manifest = await compressedManifest(student, bytes, {
      variant: request.variant,
      passes: [{ name: describeOptions(options), options: request.options }],
      metrics: { teacherAgreement, ...(accuracy !== undefined ? { accuracy } : {}) },
    });
    await writeFile(join(ctx.artifactsDir, `${request.variant}.manifest.json`), `${JSON.stringify(manifest, null, 2)}\n`);
    ctx.log.info(`${request.variant}: ${describeOptions(options)}, ${bytes.byteLength} bytes, agreement with the teacher ${(teacherAgreement * 100).toFixed(2)}%${accuracy !== undefined ? `, accuracy ${(accuracy * 100).toFixed(2)}%` : ''}.`);
    built.push({ variant: request.variant, bytes, manifest, teacherAgreement, ...(accuracy !== undefined ? { accuracy } : {}) });
  }
  return built;
}
