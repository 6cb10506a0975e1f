import { describe, expect, it } from 'vitest';
import { bucketOf, bucketSqlCase, LATENCY_BUCKET_BOUNDS_MS, percentileFromBuckets } from './histogramBuckets';

describe('latency histogram buckets', () => {
  it('puts a latency in the first bucket whose upper bound holds it, overflow last', () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(0.05)).toBe(0);
    expect(bucketOf(0.051)).toBe(1);
    expect(bucketOf(1)).toBe(LATENCY_BUCKET_BOUNDS_MS.indexOf(1));
    expect(bucketOf(1e9)).toBe(LATENCY_BUCKET_BOUNDS_MS.length);
  });

  it('has strictly increasing bounds and a SQL CASE with one arm per bound', () => {
    for (let i = 1; i < LATENCY_BUCKET_BOUNDS_MS.length; i++) expect(LATENCY_BUCKET_BOUNDS_MS[i]!).toBeGreaterThan(LATENCY_BUCKET_BOUNDS_MS[i - 1]!);
    const sql = bucketSqlCase('latency_ms');
    expect(sql.match(/WHEN latency_ms <= /g)).toHaveLength(LATENCY_BUCKET_BOUNDS_MS.length);
    expect(sql).toMatch(new RegExp(`ELSE ${LATENCY_BUCKET_BOUNDS_MS.length} END$`));
  });

  it('reads percentiles back close to the exact ones, and sums across histograms', () => {
    const latencies = Array.from({ length: 1000 }, (_, i) => (i / 1000) * 40); // uniform 0..40 ms
    const counts = new Map<number, number>();
    for (const l of latencies) counts.set(bucketOf(l), (counts.get(bucketOf(l)) ?? 0) + 1);
    const p50 = percentileFromBuckets(counts, 0.5)!;
    const p99 = percentileFromBuckets(counts, 0.99)!;
    expect(Math.abs(p50 - 20)).toBeLessThan(3);
    expect(p99).toBeGreaterThan(35);
    expect(p99).toBeLessThanOrEqual(50);
    // Two isolates' histograms add bucket by bucket into the same percentiles.
    const doubled = new Map([...counts].map(([b, c]) => [b, c * 2]));
    expect(percentileFromBuckets(doubled, 0.5)).toBeCloseTo(p50, 9);
  });

  it('reports null for an empty histogram and the last bound for overflow', () => {
    expect(percentileFromBuckets(new Map(), 0.5)).toBeNull();
    expect(percentileFromBuckets(new Map([[LATENCY_BUCKET_BOUNDS_MS.length, 5]]), 0.99)).toBe(LATENCY_BUCKET_BOUNDS_MS.at(-1));
  });
});
