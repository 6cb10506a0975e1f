// A latency histogram with fixed upper bounds, as the edge folds them per minute (packages/db
// histogramBuckets.ts): counts[i] counts values in (bounds[i-1], bounds[i]], counts[bounds.length] the overflow.
// Everything here reads a histogram back as if the values were spread uniformly inside each bucket.

export interface LatencyHistogram {
  /** Upper bucket bounds in ms, increasing. */
  bounds: readonly number[];
  /** bounds.length + 1 counts; the last one is the overflow bucket (above the last bound). */
  counts: readonly number[];
}

/** A sample reduced to what Welch's interval needs. */
export interface SampleSummary {
  n: number;
  mean: number;
  /** Sample variance (n − 1 denominator). */
  variance: number;
}

/** Check the shape once, at the public functions, so the arithmetic below can trust it. */
export function assertHistogram(h: LatencyHistogram, name = 'histogram'): void {
  if (h.counts.length !== h.bounds.length + 1) {
    throw new RangeError(`${name}: needs ${h.bounds.length + 1} counts (one per bound plus overflow), got ${h.counts.length}`);
  }
  for (let i = 1; i < h.bounds.length; i++) if (!(h.bounds[i]! > h.bounds[i - 1]!)) throw new RangeError(`${name}: bounds must increase`);
  for (const c of h.counts) if (!(c >= 0) || !Number.isFinite(c)) throw new RangeError(`${name}: counts must be finite and non-negative`);
}

export function histogramTotal(h: LatencyHistogram): number {
  let n = 0;
  for (const c of h.counts) n += c;
  return n;
}

/**
 * Lower and upper edge of bucket i. The overflow bucket has no upper edge; it is read as the point at the
 * last bound (a lower bound on those values), which is why the edge's last bound sits far above real latencies.
 */
function bucketEdges(bounds: readonly number[], i: number): [number, number] {
  if (i >= bounds.length) return [bounds[bounds.length - 1]!, bounds[bounds.length - 1]!];
  return [i === 0 ? 0 : bounds[i - 1]!, bounds[i]!];
}

/**
 * Binned mean and variance: values uniform inside their bucket, so the variance is the spread of the bucket
 * midpoints plus the mean within-bucket variance width²/12 (the uniform-within-bin counterpart of Sheppard's
 * correction, which instead subtracts it for equal-width bins of a smooth density rounded to midpoints).
 */
export function binnedSummary(h: LatencyHistogram): SampleSummary {
  const n = histogramTotal(h);
  if (n === 0) return { n: 0, mean: Number.NaN, variance: Number.NaN };
  let sum = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const [lo, hi] = bucketEdges(h.bounds, i);
    sum += h.counts[i]! * ((lo + hi) / 2);
  }
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const c = h.counts[i]!;
    if (c === 0) continue;
    const [lo, hi] = bucketEdges(h.bounds, i);
    const mid = (lo + hi) / 2;
    squares += c * ((mid - mean) ** 2 + (hi - lo) ** 2 / 12);
  }
  return { n, mean, variance: n > 1 ? squares / (n - 1) : Number.NaN };
}

/** Quantile p ∈ [0, 1], interpolated linearly inside the bucket (the same reading as packages/db). */
export function histogramQuantile(h: LatencyHistogram, p: number): number {
  const n = histogramTotal(h);
  if (n === 0) return Number.NaN;
  const rank = p * n;
  let cumulative = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const c = h.counts[i]!;
    if (c === 0) continue;
    if (cumulative + c >= rank) {
      const [lo, hi] = bucketEdges(h.bounds, i);
      return lo + (hi - lo) * Math.min(1, Math.max(0, (rank - cumulative) / c));
    }
    cumulative += c;
  }
  return h.bounds[h.bounds.length - 1]!;
}

/** Sum histograms with the same bounds (minutes, isolates). */
export function sumHistograms(bounds: readonly number[], parts: readonly (readonly number[])[]): LatencyHistogram {
  const counts = new Array<number>(bounds.length + 1).fill(0);
  for (const part of parts) for (let i = 0; i < counts.length; i++) counts[i] = (counts[i] ?? 0) + (part[i] ?? 0);
  return { bounds, counts };
}
