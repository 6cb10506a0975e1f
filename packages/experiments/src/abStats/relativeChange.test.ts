import { describe, expect, it } from 'vitest';
import { relativeChangeOfMeans } from './relativeChange';

describe('relativeChangeOfMeans', () => {
  it('delta method on the log ratio, by hand', () => {
    // a: n 100, mean 10, var 4; b: n 100, mean 6, var 1. log ratio ln 0.6 = −0.51083;
    // se = √(4/(100·10²) + 1/(100·6²)) = 0.026034; exp(−0.51083 ∓ 1.95996·0.026034) − 1 = −42.985 %, −36.859 %.
    const r = relativeChangeOfMeans({ n: 100, mean: 10, variance: 4 }, { n: 100, mean: 6, variance: 1 });
    expect(r.estimate).toBeCloseTo(-40, 10);
    expect(r.lower).toBeCloseTo(-42.9848, 3);
    expect(r.upper).toBeCloseTo(-36.8590, 3);
  });

  it('gives NaN rather than a misleading figure when a mean is not positive', () => {
    expect(relativeChangeOfMeans({ n: 10, mean: 0, variance: 1 }, { n: 10, mean: 1, variance: 1 }).estimate).toBeNaN();
  });
});
