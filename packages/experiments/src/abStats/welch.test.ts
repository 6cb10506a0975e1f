import { describe, expect, it } from 'vitest';
import { summarize, welchInterval } from './welch';

describe('welchInterval', () => {
  // Wikipedia, "Welch's t-test", Examples, first pair of samples (15 values each, unequal variances):
  // t = −2.46, ν ≈ 24.99, p = 0.021. Interval values cross-checked with
  // scipy.stats.ttest_ind(A2, A1, equal_var=False).confidence_interval(0.95) = (0.34924, 3.98410).
  const A1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
  const A2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];

  it('reproduces the published worked example', () => {
    const r = welchInterval(summarize(A1), summarize(A2)); // b − a = mean(A2) − mean(A1)
    expect(r.t).toBeCloseTo(2.455356, 5);
    expect(r.degreesOfFreedom).toBeCloseTo(24.98853, 4);
    expect(r.estimate).toBeCloseTo(2.166667, 5);
    expect(r.lower).toBeCloseTo(0.349237, 4);
    expect(r.upper).toBeCloseTo(3.984096, 4);
  });

  it('is antisymmetric in the order of the samples', () => {
    const ab = welchInterval(summarize(A1), summarize(A2));
    const ba = welchInterval(summarize(A2), summarize(A1));
    expect(ab.lower).toBeCloseTo(-ba.upper, 10);
    expect(ab.upper).toBeCloseTo(-ba.lower, 10);
  });

  it('refuses samples too small to have a variance', () => {
    expect(() => welchInterval({ n: 1, mean: 1, variance: Number.NaN }, summarize(A1))).toThrow(/at least 2/);
  });
});
