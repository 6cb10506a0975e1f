import { describe, expect, it } from 'vitest';
import { PareError } from '@pare/errors';
import { activationRanges, quantile } from './activationRanges';

const out = (values: number[]) => ({ data: Float32Array.from(values), dims: [values.length] });

describe('activationRanges', () => {
  it('minmax: the extremes over every sample, per value', () => {
    const ranges = activationRanges([{ a: out([1, -2, 3]), b: out([0, 0]) }, { a: out([5, 0]), b: out([-1, 0.5]) }], { method: 'minmax' });
    expect(ranges).toEqual({ a: { min: -2, max: 5 }, b: { min: -1, max: 0.5 } });
  });

  it('percentile: linear-interpolated quantiles (numpy default) that ignore a rare outlier', () => {
    const values = Array.from({ length: 101 }, (_, i) => i); // 0..100
    expect(quantile(Float32Array.from(values), 0.99)).toBeCloseTo(99, 6);
    expect(quantile(Float32Array.from([0, 10]), 0.25)).toBeCloseTo(2.5, 6);
    const withOutlier = [...Array.from({ length: 9999 }, (_, i) => (i % 100) / 100), 1000];
    const r = activationRanges([{ a: out(withOutlier) }], { method: 'percentile', percentile: 99.9 });
    expect(r.a!.max).toBeLessThan(1.01);
    expect(r.a!.min).toBeCloseTo(0, 6);
    expect(activationRanges([{ a: out(withOutlier) }], { method: 'minmax' }).a!.max).toBe(1000);
  });

  it('rejects bad options with messages naming them', () => {
    expect(() => activationRanges([], { method: 'minmax' })).toThrow(PareError);
    expect(() => activationRanges([{ a: out([1]) }], { method: 'entropy' as 'minmax' })).toThrow(/expected minmax or percentile/);
    expect(() => activationRanges([{ a: out([1]) }], { method: 'percentile', percentile: 20 })).toThrow(/percentile must be in/);
  });
});
