// Pure statistics over calibration outputs: the range [min, max] of each activation, either the observed
// extremes (minmax) or percentiles that ignore rare outliers (which otherwise stretch the int8 grid).
import { PareError } from '@pare/errors';

export interface FloatOutput { data: Float32Array; dims: number[] }
export type ActivationRanges = Record<string, { min: number; max: number }>;

export interface ActivationRangeOptions {
  method: 'minmax' | 'percentile';
  /** For `percentile`: the upper percentile kept (the lower is 100 - p). Default 99.99. */
  percentile?: number;
}

/** Values kept per tensor for percentiles; larger tensors are subsampled with a fixed stride (deterministic). */
const MAX_KEPT = 1 << 20;

export function activationRanges(samplesOutputs: ReadonlyArray<Record<string, FloatOutput>>, options: ActivationRangeOptions = { method: 'minmax' }): ActivationRanges {
  if (options.method !== 'minmax' && options.method !== 'percentile') {
    throw new PareError('option_invalid', `Unknown calibration method "${String(options.method)}"; expected minmax or percentile.`);
  }
  const p = options.percentile ?? 99.99;
  if (!(p > 50 && p <= 100)) throw new PareError('option_invalid', `percentile must be in (50, 100]; got ${p}.`);
  if (samplesOutputs.length === 0) throw new PareError('option_invalid', 'Calibration needs at least one sample.');
  const names = Object.keys(samplesOutputs[0]!);
  const ranges: ActivationRanges = {};
  for (const name of names) {
    const arrays = samplesOutputs.map((s) => s[name]?.data).filter((d): d is Float32Array => d !== undefined);
    ranges[name] = options.method === 'minmax' ? minMax(arrays) : percentileRange(arrays, p);
  }
  return ranges;
}

function minMax(arrays: Float32Array[]): { min: number; max: number } {
  let min = Infinity, max = -Infinity;
  for (const a of arrays) for (let i = 0; i < a.length; i++) { const v = a[i]!; if (v < min) min = v; if (v > max) max = v; }
  return min <= max ? { min, max } : { min: 0, max: 0 };
}

function percentileRange(arrays: Float32Array[], p: number): { min: number; max: number } {
  const total = arrays.reduce((n, a) => n + a.length, 0);
  if (total === 0) return { min: 0, max: 0 };
  const stride = Math.max(1, Math.ceil(total / MAX_KEPT));
  const kept = new Float32Array(Math.ceil(total / stride));
  let k = 0, j = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++, j++) if (j % stride === 0) kept[k++] = a[i]!;
  const sorted = kept.subarray(0, k).sort();
  return { min: quantile(sorted, (100 - p) / 100), max: quantile(sorted, p / 100) };
}

/** Linear-interpolated quantile of sorted values (numpy's default). */
export function quantile(sorted: Float32Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
