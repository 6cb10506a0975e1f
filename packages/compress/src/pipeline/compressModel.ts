// The compression pipeline: passes composed from options, in the order that keeps each one meaningful —
// weights out of Constant nodes (duplicates shared), structured pruning (shapes shrink), magnitude pruning (zeros), then
// quantization (which must see the final weights; static calibration must see the pruned model).
import { constantsToInitializers, opsetVersion, upgradeOpset, type Model } from '@pare/onnx';
import type { PassReport } from '../passReport';
import { pruneMagnitude } from '../prune/magnitude';
import { pruneStructured } from '../prune/structured';
import { quantizeDynamicInt8 } from '../quantize/quantizeDynamicInt8';
import { quantizeWeightsInt8 } from '../quantize/quantizeWeightsInt8';
import { quantizeWeightsInt4 } from '../quantize/quantizeWeightsInt4';
import { weightsFp16 } from '../quantize/weightsFp16';
import { quantizeStaticInt8 } from '../quantize/quantizeStaticInt8';
import { PareError } from '@pare/errors';
import { checkCompressOptions, type CompressOptions } from './compressOptions';
import { shareConstants } from './shareConstants';
import { tieTransposedWeights } from './tieTransposedWeights';
import { biasCorrectionTargets, type ChannelMeans, type MeanTarget } from '../quantize/biasCorrection';

export type ActivationRanges = Parameters<typeof quantizeStaticInt8>[1]['ranges'];

export interface CompressDeps {
  /** Activation ranges for int8-static, computed on the model as it stands just before quantization. */
  calibrate?: (model: Model) => Promise<ActivationRanges>;
  /**
   * Channel means of the weighted nodes' inputs on the model as it stands just before quantization
   * (measureChannelMeans): int8-weights and int8-dynamic remove each layer's expected output shift with them (bias correction).
   */
  channelMeans?: (model: Model, targets: MeanTarget[]) => Promise<ChannelMeans>;
  /** Called when a step starts and ends, for progress output. */
  onStep?: (step: string, phase: 'start' | 'end') => void;
}

export interface CompressStep {
  step: string;
  ms: number;
  report?: PassReport;
}

export interface CompressResult {
  model: Model;
  steps: CompressStep[];
}

interface Step {
  name: string;
  run(model: Model): Promise<{ model: Model; report?: PassReport }> | { model: Model; report?: PassReport };
}

/** Which passes the options ask for, as data: the CLI prints them, the fitter reuses them. */
export function planSteps(options: CompressOptions, deps: CompressDeps = {}): Step[] {
  checkCompressOptions(options);
  const exclude = options.exclude ?? [];
  // Constant-node weights become initializers, identical small constants (one Constant node per use in
  // exported models) one shared initializer, and an LM head exported as a copy of its tied embedding reads the
  // table itself (tieTransposedWeights.ts): lossless, and fewer bytes for every mode.
  const steps: Step[] = [{ name: 'constants-to-initializers', run: (m) => {
    const shared = shareConstants(constantsToInitializers(m).model);
    const tied = tieTransposedWeights(shared.model);
    const report = { ...shared.report, tensors: [...shared.report.tensors, ...tied.report.tensors], notes: [...shared.report.notes, ...tied.report.notes] };
    return { model: tied.model, report };
  } }];
  if (options.structured) {
    const ratio = options.structured;
    steps.push({ name: 'prune-structured', run: (m) => pruneStructured(m, { ratio, exclude }) });
  }
  if (options.sparsity || options.pruneThreshold !== undefined) {
    const by = options.pruneThreshold !== undefined ? { threshold: options.pruneThreshold } : { sparsity: options.sparsity };
    steps.push({ name: 'prune-magnitude', run: (m) => pruneMagnitude(m, { ...by, exclude }) });
  }
  const perChannel = options.perChannel ?? false;
  const quantize = options.quantize ?? 'none';
  if (quantize !== 'none') {
    // Exporters still write opset 9–11; Q/DQ needs 10, MatMulInteger 11, per-axis scales 13. Upgrade only
    // when the mode needs it, so models that already qualify are left exactly as they are.
    // fp16 needs only Cast (opset 6), which every model this codec reads has.
    const needed = quantize === 'fp16' ? 1 : perChannel ? 13 : quantize === 'int8-dynamic' ? 11 : 10;
    steps.push({
      name: 'upgrade-opset',
      run: (m) => ((opsetVersion(m, '') ?? 1) >= needed ? { model: m } : { model: upgradeOpset(m, 13).model }),
    });
  }
  // Bias correction (quantize/biasCorrection.ts) for the int8 weight forms, from input means measured on the samples.
  const channelMeans = options.biasCorrection === false ? undefined : deps.channelMeans;
  switch (quantize) {
    case 'int8-dynamic':
      steps.push({ name: 'quantize-int8-dynamic', run: async (m) => withMeans(channelMeans, m, ['MatMul', 'Gemm'], (inputMeans) => quantizeDynamicInt8(m, { perChannel, exclude, inputMeans })) });
      break;
    case 'int8-weights': {
      const symmetric = options.asymmetric === undefined ? 'auto' : !options.asymmetric;
      steps.push({ name: 'quantize-int8-weights', run: async (m) => withMeans(channelMeans, m, undefined, (inputMeans) => quantizeWeightsInt8(m, { perChannel, exclude, symmetric, inputMeans })) });
      break;
    }
    case 'int4-weights':
      steps.push({ name: 'quantize-int4-weights', run: (m) => quantizeWeightsInt4(m, { perChannel, exclude, blockSize: options.blockSize, asymmetric: options.asymmetric, embeddingBits: options.embeddingBits }) });
      break;
    case 'fp16':
      steps.push({ name: 'weights-fp16', run: (m) => weightsFp16(m, { exclude }) });
      break;
    case 'int8-static': {
      const calibrate = deps.calibrate;
      if (!calibrate) {
        throw new PareError('option_invalid', 'int8-static needs calibration inputs to measure activation ranges; none were given.');
      }
      steps.push({
        name: 'quantize-int8-static',
        run: async (m) => quantizeStaticInt8(m, { ranges: await calibrate(m), perChannel, exclude }),
      });
      break;
    }
    case 'none':
      break;
  }
  return steps;
}

/**
 * Run a pass with the input means bias correction needs; a model whose values cannot be measured (an output
 * onnxruntime will not expose, a run that fails) is quantized without correction, and the report says why.
 */
async function withMeans(measure: CompressDeps['channelMeans'], model: Model, ops: string[] | undefined, pass: (means: ChannelMeans | undefined) => { model: Model; report: PassReport }) {
  // Only the values of the nodes the pass corrects are measured: none, no run (int8-dynamic on a conv net).
  const targets = measure ? biasCorrectionTargets(model.graph!, ops) : [];
  if (!measure || targets.length === 0) return pass(undefined);
  let means: ChannelMeans | undefined;
  let failure: string | undefined;
  try {
    means = await measure(model, targets);
  } catch (e) {
    // A cancelled job stops here; anything else only costs the correction.
    if (e instanceof Error && e.name === 'AbortError') throw e;
    failure = e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
  const result = pass(means);
  if (failure) result.report.notes.push(`No bias correction: the input means could not be measured (${failure}).`);
  return result;
}

/** Run the planned passes; returns the compressed model and how long each step took. Pure but for timing. */
export async function compressModel(model: Model, options: CompressOptions, deps: CompressDeps = {}): Promise<CompressResult> {
  const steps: CompressStep[] = [];
  let current = model;
  for (const step of planSteps(options, deps)) {
    deps.onStep?.(step.name, 'start');
    const t0 = performance.now();
    const result = await step.run(current);
    current = result.model;
    steps.push({ step: step.name, ms: performance.now() - t0, ...(result.report ? { report: result.report } : {}) });
    deps.onStep?.(step.name, 'end');
  }
  return { model: current, steps };
}
