import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calibrate, compressModel, describeOptions, measureChannelMeans, planSteps, type CompressDeps, type CompressOptions } from '@pare/compress';
import { decodeModel, encodeModel, type Model } from '@pare/onnx';
import { createNodeBackend } from '@pare/runtime/node';
import type { JobContext, JobHandler } from '../jobs/jobHandler';
import type { CompressSpec } from '../jobs/jobSpec';
import { loadDataset } from './dataset';
import { readFileRef } from './readFileRef';
import { batchFeeds, modelInputs } from './tensorBatch';

// `compress`: run the @pare/compress pipeline on a model and keep the result as artifacts: model.onnx and
// report.json (every pass's report). Static int8 calibrates on onnxruntime-node with the spec's examples.

export const compress: JobHandler<CompressSpec> = async (spec, ctx) => {
  const bytes = await readFileRef(spec.model, 'model', ctx.signal);
  const { model } = decodeModel(bytes);
  const options = spec.options as CompressOptions;
  let done = 0;
  let total = 0;
  const deps: CompressDeps = {
    ...(spec.calibration ? await calibrationDeps(spec.calibration, spec.calibrationLimit, spec.model, ctx) : {}),
    onStep: (step: string, phase: 'start' | 'end') => {
      if (phase === 'end') done += 1;
      ctx.progress(done / total, `${phase === 'start' ? 'running' : 'finished'} ${step}`);
      ctx.signal.throwIfAborted();
    },
  };
  total = planSteps(options, deps).length;
  ctx.log.info(`Compressing ${spec.model}: ${describeOptions(options)} (${total} steps).`);
  const result = await compressModel(model, options, deps);
  const out = encodeModel(result.model);
  await writeFile(join(ctx.artifactsDir, 'model.onnx'), out);
  await writeFile(join(ctx.artifactsDir, 'report.json'), `${JSON.stringify({ options, steps: result.steps }, null, 2)}\n`);
  ctx.log.info(`${bytes.byteLength} → ${out.byteLength} bytes (${(bytes.byteLength / out.byteLength).toFixed(2)}x smaller).`);
  return {
    metrics: {
      bytesBefore: bytes.byteLength,
      bytesAfter: out.byteLength,
      ratio: bytes.byteLength / out.byteLength,
      configuration: describeOptions(options),
      steps: result.steps.map((s) => ({ step: s.step, ms: Math.round(s.ms * 100) / 100 })),
    },
    artifacts: ['model.onnx', 'report.json'],
  };
};

/** Activation ranges (int8-static) and input means (int8-weights bias correction), both measured on the spec's examples. */
async function calibrationDeps(ref: string, limit: number, modelRef: string, ctx: JobContext): Promise<Pick<CompressDeps, 'calibrate' | 'channelMeans'>> {
  const { examples } = await loadDataset({ data: ref, model: modelRef, seed: 1, limit }, ctx.signal);
  ctx.log.info(`Calibrating on ${examples.length} examples from ${ref}.`);
  const backend = createNodeBackend({ executionProvider: 'cpu', intraOpNumThreads: 0, warn: ctx.log.warn });
  const feedsFor = async (model: Model) => {
    const probe = await backend.createSession(encodeModel(model));
    const inputs = modelInputs(probe);
    await probe.release();
    return examples.map((example, i) => batchFeeds([example], inputs, i));
  };
  return {
    calibrate: async (model) => calibrate(model, await feedsFor(model), backend, { signal: ctx.signal }),
    channelMeans: async (model, targets) => measureChannelMeans(model, await feedsFor(model), backend, { targets, signal: ctx.signal }),
  };
}
