import { describe, expect, it } from 'vitest';
import { sampleSizeTwoMeans, sampleSizeTwoProportions } from './sampleSize';

describe('sample size', () => {
  it('means: the textbook 63 per group for a half-sd effect', () => {
    // Two-sided α 0.05, power 0.8, σ = 1, δ = 0.5: 2·(1.95996 + 0.84162)²/0.25 = 62.79 → 63 (the normal-
    // approximation figure; Cohen's t-based table says 64).
    expect(sampleSizeTwoMeans(1, 1, 0.5)).toBe(63);
    // Unequal sds, by hand: (2.80158)²·(4 + 1)/0.5² = 156.98 → 157.
    expect(sampleSizeTwoMeans(2, 1, -0.5)).toBe(157);
  });

  it('proportions: Fleiss eq. 4.14 without continuity correction, by hand', () => {
    // p 0.65 vs 0.85: p̄ 0.75; (1.95996·√(2·0.75·0.25) + 0.84162·√(0.2275 + 0.1275))² / 0.2² = 72.39 → 73.
    expect(sampleSizeTwoProportions(0.65, 0.2)).toBe(73);
    // A 1-pt loss from 90 % accuracy: 14,750.8 → 14,751 per variant.
    expect(sampleSizeTwoProportions(0.9, -0.01)).toBe(14751);
    // The worst case p = 0.5: 39,239.3 → 39,240.
    expect(sampleSizeTwoProportions(0.5, -0.01)).toBe(39240);
  });

  it('refuses an effect that leaves [0, 1] or is zero', () => {
    expect(() => sampleSizeTwoProportions(0.995, 0.01)).toThrow(/0 ≤ p ≤ 1/);
    expect(() => sampleSizeTwoMeans(1, 1, 0)).toThrow(/non-zero effect/);
  });
});
