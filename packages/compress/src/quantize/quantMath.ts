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

const RANGE: Record<QuantType, { min: number; max: number }> = {
  int8: { min: -128, max: 127 },
  uint8: { min: 0, max: 255 },
};

/** Round half to even, as ONNX QuantizeLinear (and numpy.rint) do: 2.5 → 2, 3.5 → 4, -2.5 → -2. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round rounds .5 up (toward +∞): r - x is exactly 0.5 only at a half, and then an odd r steps back.
  // (Cheaper than x % 1: this runs once per weight, often in code the JIT has not optimized yet.)
  return r - x === 0.5 && (r & 1) !== 0 ? r - 1 : r;
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
  const { outer, channels, inner } = loops(values.length, dims, axis);
  const lo = new Float32Array(channels).fill(Infinity);
  const hi = new Float32Array(channels).fill(-Infinity);
  // Nested loops (outer × channel × inner) instead of a division per element: the passes run once per process,
  // mostly before the JIT has optimized them, so per-element work is what a small model's compress time is.
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      let l = lo[c]!;
      let h = hi[c]!;
      for (let k = 0; k < inner; k++, i++) {
        const v = values[i]!;
        if (v < l) l = v;
        if (v > h) h = v;
      }
      lo[c] = l;
      hi[c] = h;
    }
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
  return quantizeMeasured(values, dims, params).q;
}

/**
 * quantize(), and in the same pass over the values the error relativeError(values, dequantize(q)) would report
 * (the restored value rounded to float32, as DequantizeLinear's output is). One loop instead of three matters
 * for small models, whose compress time is mostly this loop running before the JIT has optimized it.
 */
export function quantizeMeasured(values: Float32Array, dims: readonly number[], params: QuantParams): { q: Int8Array | Uint8Array; error: number } {
  const { min, max } = RANGE[params.type];
  const q = params.type === 'int8' ? new Int8Array(values.length) : new Uint8Array(values.length);
  const { outer, channels, inner } = loops(values.length, dims, params.scale.length > 1 ? params.axis : undefined);
  // The float32 scale is what the model stores and what the runtime divides by: quantize with exactly that.
  const scale = params.scale;
  let err = 0;
  let ref = 0;
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const s = scale[c]!;
      const zp = params.zeroPoint[c]!;
      for (let k = 0; k < inner; k++, i++) {
        const v = values[i]!;
        const x = v / s;
        let r = Math.round(x);
        if (r - x === 0.5 && (r & 1) !== 0) r -= 1; // round half to even (roundHalfEven, inlined)
        r += zp;
        r = r < min ? min : r > max ? max : r;
        q[i] = r;
        const d = v - Math.fround((r - zp) * s);
        err += d * d;
        ref += v * v;
      }
    }
  }
  return { q, error: ref === 0 ? 0 : Math.sqrt(err / ref) };
}

/** The inverse: (q - zp) * scale, in float32. */
export function dequantize(q: Int8Array | Uint8Array, dims: readonly number[], params: QuantParams): Float32Array {
  const out = new Float32Array(q.length);
  const { outer, channels, inner } = loops(q.length, dims, params.scale.length > 1 ? params.axis : undefined);
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const s = params.scale[c]!;
      const zp = params.zeroPoint[c]!;
      for (let k = 0; k < inner; k++, i++) out[i] = (q[i]! - zp) * s;
    }
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

/** The tensor as outer × channels × inner nested loops; per-tensor is one channel spanning everything. */
function loops(length: number, dims: readonly number[], axis: number | undefined): { outer: number; channels: number; inner: number } {
  if (axis === undefined) return { outer: length > 0 ? 1 : 0, channels: 1, inner: length };
  const { channels, inner } = layout(dims, axis);
  return { outer: channels * inner > 0 ? length / (channels * inner) : 0, channels, inner };
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
