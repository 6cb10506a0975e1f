// The arithmetic of linear int8 quantization, kept apart from graph rewriting so it can be checked against
// hand-computed values. Conventions follow ONNX QuantizeLinear: q = saturate(roundHalfEven(x / scale) + zp),
// x ≈ (q - zp) * scale.

export type QuantType = 'int8' | 'uint8';

/** Scale and zero point for a whole tensor (one entry) or per channel along `axis` (one entry per channel). */
export interface QuantParams {
  type: QuantType;
  scale: Float32Array;
  zeroPoint: Int32Array;
  /** The channel axis when per-channel; undefined for per-tensor. */
  axis?: number;
}

export const RANGE: Record<QuantType, { min: number; max: number }> = {
  int8: { min: -128, max: 127 },
  uint8: { min: 0, max: 255 },
};

/** Round half to even, as ONNX QuantizeLinear (and numpy.rint) do: 2.5 → 2, 3.5 → 4, -2.5 → -2. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round rounds .5 up (toward +∞); step back when that landed on an odd number from an exact half.
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Symmetric scale for int8 weights: zero point 0 and the restricted range [-127, 127], so that -max and +max
 * land on the grid alike (what onnxruntime's quantizer does for symmetric weights).
 */
export function symmetricScale(absMax: number): number {
  return absMax > 0 ? absMax / 127 : 1;
}

/**
 * Asymmetric (affine) scale and zero point covering [min(lo, 0), max(hi, 0)]: zero must be exactly representable
 * (padding, ReLU outputs). For skewed tensors (all weights negative, say) this uses the whole grid where a
 * symmetric scale would waste half of it.
 */
export function affineParams(lo: number, hi: number, type: QuantType): { scale: number; zeroPoint: number } {
  const { min: qmin, max: qmax } = RANGE[type];
  const rmin = Math.min(lo, 0);
  const rmax = Math.max(hi, 0);
  // An all-zero tensor: any scale represents it exactly; 1 avoids dividing by zero.
  if (rmax - rmin === 0) return { scale: 1, zeroPoint: 0 };
  const scale = (rmax - rmin) / (qmax - qmin);
  const zeroPoint = clamp(roundHalfEven(qmin - rmin / scale), qmin, qmax);
  return { scale, zeroPoint };
}

/** Per-channel extremes of a tensor: for each index along `axis`, the min and max of its slice. */
export function channelRanges(values: Float32Array, dims: readonly number[], axis: number | undefined): { lo: Float32Array; hi: Float32Array } {
  const { channels, inner } = layout(dims, axis);
  const lo = new Float32Array(channels).fill(Infinity);
  const hi = new Float32Array(channels).fill(-Infinity);
  for (let i = 0; i < values.length; i++) {
    const c = channels === 1 ? 0 : Math.floor(i / inner) % channels;
    const v = values[i]!;
    if (v < lo[c]!) lo[c] = v;
    if (v > hi[c]!) hi[c] = v;
  }
  for (let c = 0; c < channels; c++) if (lo[c]! > hi[c]!) { lo[c] = 0; hi[c] = 0; }
  return { lo, hi };
}

/** Choose int8 weight parameters: symmetric (zero point 0) or asymmetric, per tensor or per channel along `axis`. */
export function weightParams(values: Float32Array, dims: readonly number[], options: { axis?: number; symmetric: boolean }): QuantParams {
  const { lo, hi } = channelRanges(values, dims, options.axis);
  const n = lo.length;
  const scale = new Float32Array(n);
  const zeroPoint = new Int32Array(n);
  for (let c = 0; c < n; c++) {
    if (options.symmetric) scale[c] = symmetricScale(Math.max(Math.abs(lo[c]!), Math.abs(hi[c]!)));
    else {
      const p = affineParams(lo[c]!, hi[c]!, 'int8');
      scale[c] = p.scale;
      zeroPoint[c] = p.zeroPoint;
    }
  }
  return { type: 'int8', scale, zeroPoint, axis: options.axis };
}

/** Parameters of an activation tensor observed in [lo, hi] (always per-tensor: activations change per input). */
export function activationParams(lo: number, hi: number, type: QuantType): QuantParams {
  const p = affineParams(lo, hi, type);
  return { type, scale: Float32Array.of(p.scale), zeroPoint: Int32Array.of(p.zeroPoint) };
}

/** Quantize values with the given parameters (per-tensor or per-channel along params.axis). */
export function quantize(values: Float32Array, dims: readonly number[], params: QuantParams): Int8Array | Uint8Array {
  const { min, max } = RANGE[params.type];
  const out = params.type === 'int8' ? new Int8Array(values.length) : new Uint8Array(values.length);
  const { channels, inner } = layout(dims, params.scale.length > 1 ? params.axis : undefined);
  // The float32 scale is what the model stores and what the runtime divides by: quantize with exactly that.
  const scale = params.scale;
  for (let i = 0; i < values.length; i++) {
    const c = channels === 1 ? 0 : Math.floor(i / inner) % channels;
    out[i] = clamp(roundHalfEven(values[i]! / scale[c]!) + params.zeroPoint[c]!, min, max);
  }
  return out;
}

/** The inverse: (q - zp) * scale, in float32. */
export function dequantize(q: Int8Array | Uint8Array, dims: readonly number[], params: QuantParams): Float32Array {
  const out = new Float32Array(q.length);
  const { channels, inner } = layout(dims, params.scale.length > 1 ? params.axis : undefined);
  for (let i = 0; i < q.length; i++) {
    const c = channels === 1 ? 0 : Math.floor(i / inner) % channels;
    out[i] = (q[i]! - params.zeroPoint[c]!) * params.scale[c]!;
  }
  return out;
}

/** Root-mean-square quantization error relative to the tensor's RMS (0 = exact); reported per tensor. */
export function relativeError(values: Float32Array, restored: Float32Array): number {
  let err = 0;
  let ref = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! - restored[i]!;
    err += d * d;
    ref += values[i]! * values[i]!;
  }
  return ref === 0 ? 0 : Math.sqrt(err / ref);
}

function layout(dims: readonly number[], axis: number | undefined): { channels: number; inner: number } {
  if (axis === undefined) return { channels: 1, inner: 1 };
  let inner = 1;
  for (let d = axis + 1; d < dims.length; d++) inner *= dims[d]!;
  return { channels: dims[axis]!, inner };
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
