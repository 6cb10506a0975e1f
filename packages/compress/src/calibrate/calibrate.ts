// Calibration: build the calibration model, run it on a runtime backend (onnxruntime-node in the CLI, the
// origin and tests), and reduce the outputs to ranges. The passes stay pure; only the backend runs a model.
import type { Feeds, InferenceBackend } from '@pare/runtime';
import { encodeModel, type Model } from '@pare/onnx';
import { staticActivationNames } from '../quantize/staticTargets';
import { activationRanges, type ActivationRangeOptions, type ActivationRanges, type FloatOutput } from './activationRanges';
import { calibrationModel } from './calibrationModel';

export type { FloatOutput } from './activationRanges';

export interface CalibrateOptions extends Partial<ActivationRangeOptions> {
  /** Values to observe; default: the activations quantizeStaticInt8 puts QuantizeLinear/DequantizeLinear on. */
  valueNames?: string[];
  /** Give the same `exclude` and `minElements` as to quantizeStaticInt8, so the observed values match its targets. */
  exclude?: string[];
  minElements?: number;
  foldBatchNorm?: boolean;
  /** Checked between samples, so a cancelled job stops calibrating. */
  signal?: AbortSignal;
}

export async function calibrate(model: Model, samples: readonly Feeds[], backend: InferenceBackend, options: CalibrateOptions = {}): Promise<ActivationRanges> {
  const names = options.valueNames ?? staticActivationNames(model, { exclude: options.exclude, minElements: options.minElements, foldBatchNorm: options.foldBatchNorm });
  const wanted = new Set(names);
  const session = await backend.createSession(encodeModel(calibrationModel(model, names)));
  const observed: Array<Record<string, FloatOutput>> = [];
  try {
    for (const sample of samples) {
      options.signal?.throwIfAborted();
      const out = await session.run(sample);
      observed.push(Object.fromEntries(Object.entries(out).filter(([k]) => wanted.has(k)).map(([k, t]) => [k, {
        data: t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>, Number),
        dims: [...t.dims],
      }])));
    }
  } finally {
    await session.release();
  }
  return activationRanges(observed, { method: options.method ?? 'minmax', percentile: options.percentile });
}
