import { describe, expect, it } from 'vitest';
import { assertHistogram, binnedSummary, histogramQuantile, sumHistograms } from './histogram';

describe('histogram', () => {
  const h = { bounds: [1, 2, 3], counts: [1, 2, 1, 0] };

  it('binned mean and variance, by hand', () => {
    // Midpoints 0.5, 1.5, 2.5 with counts 1, 2, 1: mean 1.5. Squares about the mean 1 + 0 + 1 = 2, plus
    // the uniform within-bucket variance 4 × 1²/12 = 1/3; over n − 1 = 3: 0.7778.
    const s = binnedSummary(h);
    expect(s.n).toBe(4);
    expect(s.mean).toBeCloseTo(1.5, 12);
    expect(s.variance).toBeCloseTo(7 / 9, 12);
  });

  it('quantiles interpolate inside the bucket', () => {
    // Rank 0.5 × 4 = 2: one below bucket 1 (1..2, count 2), halfway through it → 1.5.
    expect(histogramQuantile(h, 0.5)).toBeCloseTo(1.5, 12);
    // Rank 0.99 × 4 = 3.96: 0.96 of the way through bucket 2 (2..3) → 2.96.
    expect(histogramQuantile(h, 0.99)).toBeCloseTo(2.96, 12);
    expect(histogramQuantile({ bounds: [1], counts: [0, 0] }, 0.5)).toBeNaN();
  });

  it('reads the overflow bucket at the last bound', () => {
    expect(histogramQuantile({ bounds: [1, 2], counts: [0, 0, 5] }, 0.5)).toBe(2);
  });

  it('sums minutes with the same bounds and checks shapes', () => {
    expect(sumHistograms([1, 2], [[1, 0, 0], [2, 3, 1]]).counts).toEqual([3, 3, 1]);
    expect(() => assertHistogram({ bounds: [1, 2], counts: [1, 2] })).toThrow(/needs 3 counts/);
  });
});
