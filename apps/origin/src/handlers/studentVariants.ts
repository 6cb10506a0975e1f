import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { classificationMetrics, compressModel, describeOptions, predictedClass, type CompressOptions } from '@pare/compress';
import { textLogits, type DistillResult } from '@pare/distill';
import { encodeModel } from '@pare/onnx';
import type { Manifest } from '@pare/runtime';
import { compressedManifest } from '@pare/runtime/manifest-builder';
import type { JobContext } from '../jobs/jobHandler';
import { runBatchedInference } from './batchedInference';
import type { Example } from './dataset';

// Compressed variants of a freshly distilled student, each measured on the same test split as the student
// (onnxruntime-node, the trainer's encoded test set) so its manifest carries its own accuracy.

export interface VariantRequest {
  variant: string;
  options: Record<string, unknown>;
}

export interface BuiltVariant {
  variant: string;
  bytes: Uint8Array;
  manifest: Manifest;
  accuracy: number;
}

/** What of a distillation result the variants need: the student, its manifest and the encoded test split. */
export type DistilledStudent = Pick<DistillResult, 'studentModel' | 'manifest' | 'testSet'> & Partial<Pick<DistillResult, 'testTexts'>>;

export async function buildStudentVariants(result: DistilledStudent, requests: VariantRequest[], ctx: JobContext): Promise<BuiltVariant[]> {
  const built: BuiltVariant[] = [];
  if (requests.length === 0) return built;
  const examples = testExamples(result);
  const student = result.manifest;
  for (const request of requests) {
    ctx.signal.throwIfAborted();
    const options = request.options as CompressOptions;
    const { model } = await compressModel(result.studentModel, options);
    const bytes = encodeModel(model);
    const file = `${request.variant}.onnx`;
    await writeFile(join(ctx.artifactsDir, file), bytes);

    const predicted: number[] = new Array(examples.length);
    // A quiet context: the student's own progress bar should not jump around while variants are measured.
    const quiet: JobContext = { ...ctx, progress: () => {} };
    if (student.preprocess?.tokenizer.kind === 'hashed-ngrams' && result.testTexts) {
      // Rows of a bag student are as long as each text: measure from the texts, as the edge feeds them.
      const logits = await textLogits(bytes, student, result.testTexts.map((t) => t.text));
      result.testTexts.forEach((_, i) => (predicted[i] = predictedClass(Array.from(logits.subarray(2 * i, 2 * i + 2)), 0.5)));
    } else await runBatchedInference({ model: join(ctx.artifactsDir, file), batchSize: 64, executionProvider: 'cpu', sessions: 1 }, examples, quiet, ({ firstIndex, outputs }) => {
      const logits = outputs[student.postprocess?.output ?? Object.keys(outputs)[0]!]!;
      logits.forEach((row, i) => (predicted[firstIndex + i] = predictedClass(row, 0.5)));
    });
    const labels = student.postprocess?.labels ?? ['0', '1'];
    const quality = classificationMetrics(examples.map((e) => e.label as number), predicted, labels);

    const manifest = await compressedManifest(student, bytes, {
      variant: request.variant,
      passes: [{ name: describeOptions(options), options: request.options }],
      metrics: { accuracy: quality.accuracy },
    });
    await writeFile(join(ctx.artifactsDir, `${request.variant}.manifest.json`), `${JSON.stringify(manifest, null, 2)}\n`);
    ctx.log.info(`${request.variant}: ${describeOptions(options)}, ${bytes.byteLength} bytes, accuracy ${(quality.accuracy * 100).toFixed(2)}%.`);
    built.push({ variant: request.variant, bytes, manifest, accuracy: quality.accuracy });
  }
  return built;
}

/** The trainer's encoded test split as onnxruntime feeds, named as the student's manifest names its inputs. */
function testExamples(result: DistilledStudent): Example[] {
  const { testSet, manifest } = result;
  const ids = manifest.preprocess?.idsInput ?? 'input_ids';
  const mask = manifest.preprocess?.maskInput ?? 'attention_mask';
  const L = testSet.maxLength;
  return Array.from({ length: testSet.n }, (_, i) => ({
    inputs: { [ids]: Array.from(testSet.ids.subarray(i * L, (i + 1) * L)), [mask]: Array.from(testSet.mask.subarray(i * L, (i + 1) * L)) },
    label: testSet.labels[i]!,
  }));
}
