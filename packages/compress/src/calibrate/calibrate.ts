// Calibration glue: build the calibration model, hand it to an injected runner (onnxruntime-node in the CLI
// and tests), and reduce the outputs to ranges. The passes stay pure; only the runner touches a runtime.
import { encodeModel, type Model } from '@pare/onnx';
import { staticActivationNames } from '../quantize/staticTargets';
import { activationRanges, type ActivationRangeOptions, type ActivationRanges, type FloatOutput } from './activationRanges';
import { calibrationModel } from './calibrationModel';

export type { FloatOutput } from './activationRanges';

/** One sample: an input name → tensor, in the shape onnxruntime's Tensor constructor takes. */
export type Feed = Record<string, { type: string; data: ArrayLike<number> | ArrayLike<bigint>; dims: number[] }>;

/** Runs model bytes on each feed and returns every output as float32. */
export type CalibrationRunner = (modelBytes: Uint8Array, feeds: Feed[]) => Promise<Array<Record<string, FloatOutput>>>;

export interface CalibrateOptions extends Partial<ActivationRangeOptions> {
  /** Values to observe; default: the activations quantizeStaticInt8 puts QuantizeLinear/DequantizeLinear on. */
  valueNames?: string[];
  /** Give the same `exclude` and `minElements` as to quantizeStaticInt8, so the observed values match its targets. */
  exclude?: string[];
  minElements?: number;
  foldBatchNorm?: boolean;
}

export async function calibrate(model: Model, samples: Feed[], runner: CalibrationRunner, options: CalibrateOptions = {}): Promise<ActivationRanges> {
  const names = options.valueNames ?? staticActivationNames(model, { exclude: options.exclude, minElements: options.minElements, foldBatchNorm: options.foldBatchNorm });
  const bytes = encodeModel(calibrationModel(model, names));
  const outputs = await runner(bytes, samples);
  const wanted = new Set(names);
  const observed = outputs.map((o) => Object.fromEntries(Object.entries(o).filter(([k]) => wanted.has(k))));
  return activationRanges(observed, { method: options.method ?? 'minmax', percentile: options.percentile });
}
