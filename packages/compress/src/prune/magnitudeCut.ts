/**
 * Which elements a target sparsity zeroes. Exactly `k` elements go, the `k` of smallest magnitude: all
 * below the cut value, then elements equal to it in order of appearance. Ties are common in real weights
 * (exact zeros, repeated quantized values) and a plain `|w| < t` rule would overshoot or undershoot.
 */
export interface MagnitudeCut {
  /** Every |w| strictly below this is zeroed. */
  below: number;
  /** How many elements with |w| exactly equal to `below` are zeroed too, first come first served. */
  tiesToZero: number;
}

/** The cut that zeroes the `k` smallest of the given magnitudes (each array is read, not changed). */
export function magnitudeCut(magnitudes: ReadonlyArray<Float32Array | Float64Array>, k: number): MagnitudeCut {
  if (k <= 0) return { below: 0, tiesToZero: 0 };
  const total = magnitudes.reduce((n, m) => n + m.length, 0);
  const all = new Float64Array(total);
  let o = 0;
  for (const m of magnitudes) { all.set(m, o); o += m.length; }
  all.sort();
  const cut = all[Math.min(k, total) - 1]!;
  // Count the strictly-smaller ones by binary search on the sorted copy.
  let lo = 0;
  let hi = total;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (all[mid]! < cut) lo = mid + 1; else hi = mid; }
  return { below: cut, tiesToZero: Math.min(k, total) - lo };
}

/**
 * Zero `values` in place where |w| < cut.below, plus ties while `ties.left` lasts (shared across tensors
 * for a global cut). Returns how many elements are zero afterwards.
 */
export function applyCut(values: Float32Array | Float64Array, cut: { below: number; ties: { left: number } }): number {
  let zeros = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (a < cut.below) values[i] = 0;
    else if (a === cut.below && cut.ties.left > 0) { values[i] = 0; cut.ties.left--; }
    if (values[i] === 0) zeros++;
  }
  return zeros;
}

export function absValues(values: Float32Array | Float64Array): Float32Array | Float64Array {
  const out = values instanceof Float64Array ? new Float64Array(values.length) : new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.abs(values[i]!);
  return out;
}
