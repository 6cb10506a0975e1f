import { describe, expect, it } from 'vitest';
import { newcombeDifference } from './proportions';
import { comparePerUnit, type UnitCluster } from './unitClusters';

const even = (k: number, requests: number, errorRate: number, latency: number): UnitCluster[] =>
  Array.from({ length: k }, () => ({ requests, errors: Math.round(requests * errorRate), latencyMsSum: requests * latency }));

describe('comparePerUnit', () => {
  it('estimates the same differences as the pooled figures', () => {
    const r = comparePerUnit(even(50, 20, 0.1, 10), even(50, 20, 0.05, 6));
    expect(r.clustersA).toBe(50);
    expect(r.errorRateDifference!.estimate).toBeCloseTo(-0.05, 12);
    expect(r.meanLatencyDifferenceMs!.estimate).toBeCloseTo(-4, 12);
  });

  it('is wider than the per-request interval when errors cluster in a few units', () => {
    // Same totals (1,000 requests, 50 errors per variant), but b's errors all come from 2 of its 50 units.
    const a = even(50, 20, 0.05, 10);
    const b = even(50, 20, 0, 10);
    b[0]!.errors = 25;
    b[1]!.errors = 25;
    const perUnit = comparePerUnit(a, b).errorRateDifference!;
    const perRequest = newcombeDifference({ successes: 50, n: 1000 }, { successes: 50, n: 1000 });
    expect(perUnit.estimate).toBeCloseTo(0, 12);
    expect(perUnit.upper - perUnit.lower).toBeGreaterThan(1.5 * (perRequest.upper - perRequest.lower));
  });

  it('needs two clusters per variant', () => {
    const r = comparePerUnit(even(1, 100, 0.1, 5), even(10, 10, 0.1, 5));
    expect(r.errorRateDifference).toBeNull();
    expect(r.meanLatencyDifferenceMs).toBeNull();
  });
});
