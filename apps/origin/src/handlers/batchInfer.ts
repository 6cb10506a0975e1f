import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { PareError } from '@pare/errors';
import type { JobHandler } from '../jobs/jobHandler';
import type { BatchInferSpec } from '../jobs/jobSpec';
import { runBatchedInference } from './batchedInference';
import { loadDataset } from './dataset';

// `batch-infer`: run a model over a dataset and write predictions.jsonl, one line per example in input
// order: {"index": i, "outputs": {<name>: flat number array}}.

export const batchInfer: JobHandler<BatchInferSpec> = async (spec, ctx) => {
  const { examples } = await loadDataset(spec, ctx.signal);
  ctx.log.info(`Loaded ${examples.length} examples from ${spec.data}.`);
  const predictions: Array<Record<string, number[]>> = new Array(examples.length);
  const stats = await runBatchedInference(spec, examples, ctx, ({ firstIndex, outputs }) => {
    const names = spec.outputs ?? Object.keys(outputs);
    for (const name of names) {
      if (!outputs[name]) throw new PareError('output_not_found', `outputs: the model has no output "${name}"; it has ${Object.keys(outputs).join(', ')}.`);
    }
    for (let i = 0; i < outputs[names[0]!]!.length; i++) {
      predictions[firstIndex + i] = Object.fromEntries(names.map((name) => [name, outputs[name]![i]!]));
    }
  });

  const file = 'predictions.jsonl';
  const out = createWriteStream(join(ctx.artifactsDir, file));
  for (let index = 0; index < predictions.length; index++) {
    if (!out.write(`${JSON.stringify({ index, outputs: predictions[index] })}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  ctx.log.info(`${stats.items} examples in ${stats.seconds}s: ${stats.itemsPerSecond} examples/s on ${stats.executionProvider}.`);
  return { metrics: { ...stats }, artifacts: [file] };
};
