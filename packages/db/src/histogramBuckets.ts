// Fixed latency bucket bounds (milliseconds, upper bounds, inclusive). Fixed bounds let histograms from
// any number of isolates and minutes be summed, and percentiles be read back for any window.

export const LATENCY_BUCKET_BOUNDS_MS: readonly number[] = [
  0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 25, 50, 75, 100, 150, 250, 500, 1000, 2500, 5000, 10000,
];

/** Index of the bucket a latency falls in; the last index (bounds.length) is the overflow bucket. */
export function bucketOf(latencyMs: number): number {
  for (let i = 0; i < LATENCY_BUCKET_BOUNDS_MS.length; i++) if (latencyMs <= LATENCY_BUCKET_BOUNDS_MS[i]!) return i;
  return LATENCY_BUCKET_BOUNDS_MS.length;
}

/** The same bucketing as a SQL CASE expression over `column`, so the consumer folds events inside D1. */
export function bucketSqlCase(column: string): string {
  const arms = LATENCY_BUCKET_BOUNDS_MS.map((bound, i) => `WHEN ${column} <= ${bound} THEN ${i}`).join(' ');
  return `CASE ${arms} ELSE ${LATENCY_BUCKET_BOUNDS_MS.length} END`;
}

/**
 * Percentile from bucket counts (index → count), interpolated linearly inside the bucket that holds it.
 * Returns null for an empty histogram; the overflow bucket reports the last bound.
 */
export function percentileFromBuckets(counts: ReadonlyMap<number, number>, p: number): number | null {
  let total = 0;
  for (const c of counts.values()) total += c;
  if (total === 0) return null;
  const rank = p * total;
  let cumulative = 0;
  const last = LATENCY_BUCKET_BOUNDS_MS.length;
  for (let i = 0; i <= last; i++) {
    const c = counts.get(i) ?? 0;
    if (c === 0) continue;
    if (cumulative + c >= rank) {
      if (i === last) return LATENCY_BUCKET_BOUNDS_MS[last - 1]!;
      const lower = i === 0 ? 0 : LATENCY_BUCKET_BOUNDS_MS[i - 1]!;
      const upper = LATENCY_BUCKET_BOUNDS_MS[i]!;
      const fraction = (rank - cumulative) / c;
      return lower + (upper - lower) * Math.min(1, Math.max(0, fraction));
    }
    cumulative += c;
  }
  return LATENCY_BUCKET_BOUNDS_MS[last - 1]!;
}
