import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { classificationMetrics, predictedClass } from '@pare/compress';
import { PareError } from '@pare/errors';
import type { JobHandler } from '../jobs/jobHandler';
import type { EvaluateSpec } from '../jobs/jobSpec';
import { runBatchedInference } from './batchedInference';
import { loadDataset, type Example } from './dataset';

// `evaluate`: run a classifier over labelled examples and report accuracy, per-class precision/recall/F1
// and the confusion matrix, beside throughput. Examples without a label still count for throughput.

export const evaluate: JobHandler<EvaluateSpec> = async (spec, ctx) => {
  const dataset = await loadDataset(spec, ctx.signal);
  const { examples } = dataset;
  ctx.log.info(`Loaded ${examples.length} examples from ${dataset.source}.`);
  const predicted: number[] = new Array(examples.length);
  let width = 0;
  let outputName = spec.output;
  const stats = await runBatchedInference(spec, examples, ctx, ({ firstIndex, outputs }) => {
    outputName ??= Object.keys(outputs)[0]!;
    const scores = outputs[outputName];
    if (!scores) throw new PareError('output_not_found', `output: the model has no output "${outputName}"; it has ${Object.keys(outputs).join(', ')}.`);
    scores.forEach((row, i) => {
      width = Math.max(width, row.length);
      predicted[firstIndex + i] = predictedClass(row, spec.threshold);
    });
  });

  const labels = spec.labels ?? dataset.labels ?? Array.from({ length: Math.max(2, width) }, (_, i) => String(i));
  const actual: number[] = [];
  const predictedLabelled: number[] = [];
  examples.forEach((example, i) => {
    if (example.label === undefined) return;
    actual.push(labelIndex(example, i, labels));
    predictedLabelled.push(predicted[i]!);
  });
  if (actual.length === 0) ctx.log.warn('No example has a label: only throughput is reported.');
  const quality = actual.length ? classificationMetrics(actual, predictedLabelled, labels) : undefined;

  const file = 'evaluation.json';
  const metrics = { ...stats, output: outputName, ...(quality ?? { labelled: 0 }) };
  await writeFile(join(ctx.artifactsDir, file), `${JSON.stringify(metrics, null, 2)}\n`);
  if (quality) ctx.log.info(`Accuracy ${(quality.accuracy * 100).toFixed(2)}% on ${quality.labelled} labelled examples.`);
  return { metrics, artifacts: [file] };
};

function labelIndex(example: Example, index: number, labels: string[]): number {
  const label = example.label!;
  const at = typeof label === 'number' ? label : labels.indexOf(label);
  if (!Number.isInteger(at) || at < 0 || at >= labels.length) {
    throw new PareError('dataset_invalid', `data: example ${index} has label ${JSON.stringify(label)}, which is not one of the classes ${labels.map((l, i) => `${i}=${l}`).join(', ')} (set "labels" in the spec to name them).`);
  }
  return at;
}
