import { describe, expect, it } from 'vitest';
import { newcombeDifference, wilsonInterval } from './proportions';

describe('wilsonInterval', () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison of seven
  // methods", Stat Med 17:857–872, Table II: 81/263 → Wilson score interval 0.2553 to 0.3662.
  it('matches the published 81/263 example', () => {
    const w = wilsonInterval(81, 263);
    expect(w.estimate).toBeCloseTo(0.30798, 5);
    expect(w.lower).toBeCloseTo(0.2553, 4);
    expect(w.upper).toBeCloseTo(0.3662, 4);
  });

  it('stays inside [0, 1] at 0/n and n/n, where Wald collapses to a point', () => {
    // By hand: 0/10 → upper = z²/(n + z²) = 3.8415/13.8415 = 0.27753.
    const zero = wilsonInterval(0, 10);
    expect(zero.lower).toBe(0);
    expect(zero.upper).toBeCloseTo(0.27753, 5);
    const all = wilsonInterval(10, 10);
    expect(all.upper).toBe(1);
    expect(all.lower).toBeCloseTo(1 - 0.27753, 5);
  });

  it('says which counts are wrong', () => {
    expect(() => wilsonInterval(5, 3)).toThrow(/0 ≤ successes ≤ n/);
  });
});

describe('newcombeDifference', () => {
  // Newcombe (1998), "Interval estimation for the difference between independent proportions: comparison
  // of eleven methods", Stat Med 17:873–890, Table II, method 10 (hybrid score):
  // (a) 56/70 − 48/80 = 0.2000, interval 0.0524 to 0.3339; (b) 9/10 − 3/10 = 0.6000, 0.1705 to 0.8090.
  it('matches the published examples (difference is b − a)', () => {
    const d = newcombeDifference({ successes: 48, n: 80 }, { successes: 56, n: 70 });
    expect(d.estimate).toBeCloseTo(0.2, 10);
    expect(d.lower).toBeCloseTo(0.0524, 4);
    expect(d.upper).toBeCloseTo(0.3339, 4);
    const small = newcombeDifference({ successes: 3, n: 10 }, { successes: 9, n: 10 });
    expect(small.lower).toBeCloseTo(0.1705, 4);
    expect(small.upper).toBeCloseTo(0.809, 4);
  });
});
