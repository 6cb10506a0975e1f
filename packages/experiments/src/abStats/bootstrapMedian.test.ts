import { describe, expect, it } from 'vitest';
import { bootstrapMedianDifference } from './bootstrapMedian';
import { binomialDraw, multinomialDraw, seededRandom } from './prng';

/** Ten 1-ms buckets with equal counts: uniform on [0, 10], density 0.1 per ms, median 5. */
function uniform(perBucket: number, shift = 0): { bounds: number[]; counts: number[] } {
  const bounds = Array.from({ length: 14 }, (_, i) => i + 1);
  const counts = new Array<number>(15).fill(0);
  for (let i = 0; i < 10; i++) counts[i + shift] = perBucket;
  return { bounds, counts };
}

describe('bootstrapMedianDifference', () => {
  it('is deterministic for a seed', () => {
    const a = uniform(100);
    const b = uniform(100, 1);
    const r1 = bootstrapMedianDifference(a, b, { seed: 7, replicates: 500 });
    const r2 = bootstrapMedianDifference(a, b, { seed: 7, replicates: 500 });
    expect(r1).toEqual(r2);
  });

  it('interval width agrees with the asymptotic standard error of the median', () => {
    // By hand: SE(median) = 1 / (2·f(m)·√n) = 1 / (2·0.1·√1000) = 0.1581 per sample; for the difference
    // √2·0.1581 = 0.2236, so a 95 % interval is about ±1.96·0.2236 = ±0.438 ms around the shift of 1 ms.
    const r = bootstrapMedianDifference(uniform(100), uniform(100, 1), { replicates: 2000 });
    expect(r.medianA).toBeCloseTo(5, 10);
    expect(r.difference.estimate).toBeCloseTo(1, 10);
    const half = (r.difference.upper - r.difference.lower) / 2;
    expect(half).toBeGreaterThan(0.438 * 0.85);
    expect(half).toBeLessThan(0.438 * 1.15);
    expect(r.difference.lower).toBeGreaterThan(0);
    // Relative change of medians: 6/5 − 1 = +20 %.
    expect(r.relativeChangePct.estimate).toBeCloseTo(20, 8);
    expect(r.relativeChangePct.lower).toBeGreaterThan(0);
  });

  it('covers zero for two identical histograms', () => {
    const r = bootstrapMedianDifference(uniform(50), uniform(50), { replicates: 1000 });
    expect(r.difference.lower).toBeLessThan(0);
    expect(r.difference.upper).toBeGreaterThan(0);
  });
});

describe('samplers', () => {
  it('binomial draws have the right mean in every regime', () => {
    const random = seededRandom(1);
    for (const [n, p] of [[20, 0.3], [1000, 0.004], [1000, 0.996], [100000, 0.37]] as const) {
      let sum = 0;
      const draws = 4000;
      for (let i = 0; i < draws; i++) sum += binomialDraw(random, n, p);
      const sd = Math.sqrt((n * p * (1 - p)) / draws);
      expect(Math.abs(sum / draws - n * p)).toBeLessThan(4 * sd + 1e-9);
    }
  });

  it('multinomial draws keep the total', () => {
    const random = seededRandom(2);
    for (let i = 0; i < 100; i++) expect(multinomialDraw(random, 537, [0.1, 0.2, 0, 0.7]).reduce((s, c) => s + c, 0)).toBe(537);
  });
});
