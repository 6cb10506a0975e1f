import { describe, expect, it } from 'vitest';
import { chiSquareSurvival } from './distributions';
import { sampleRatioMismatch } from './sampleRatioMismatch';

describe('chiSquareSurvival', () => {
  it('matches tabulated critical values', () => {
    // Upper 5% and 0.1% points of chi-square with 1, 2 and 10 df.
    expect(chiSquareSurvival(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(10.827566, 1)).toBeCloseTo(0.001, 6);
    expect(chiSquareSurvival(5.991465, 2)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(18.307038, 10)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(0, 3)).toBe(1);
  });
});

describe('sampleRatioMismatch', () => {
  it('passes a split that matches its weights and flags one that does not', () => {
    const fine = sampleRatioMismatch({ fp32: 5020, int8: 4980 }, { fp32: 50, int8: 50 })!;
    expect(fine.mismatch).toBe(false);
    expect(fine.pValue).toBeGreaterThan(0.5);
    // 50/50 asked, 52/48 served over 10,000 requests: chi-square 16, p ≈ 6e-5.
    const off = sampleRatioMismatch({ fp32: 5200, int8: 4800 }, { fp32: 50, int8: 50 })!;
    expect(off.chiSquare).toBeCloseTo(16, 6);
    expect(off.mismatch).toBe(true);
    expect(off.variants.map((v) => v.expected)).toEqual([5000, 5000]);
  });

  it('uses only variants with weight, and needs two of them', () => {
    const r = sampleRatioMismatch({ a: 900, b: 100, c: 7 }, { a: 90, b: 10, c: 0 })!;
    expect(r.variants.map((v) => v.name)).toEqual(['a', 'b']);
    expect(r.mismatch).toBe(false);
    expect(sampleRatioMismatch({ a: 10 }, { a: 100 })).toBeNull();
    expect(sampleRatioMismatch({}, { a: 50, b: 50 })).toBeNull();
  });
});

describe('sampleRatioMismatch per unit', () => {
  // 80 units of 11 requests each, split 27/28/25 over three equal weights: unit by unit a fair draw.
  const units = (counts: number[], perUnit: number): Array<Record<string, number>> =>
    counts.flatMap((c, v) => Array.from({ length: c }, () => ({ [['a', 'b', 'c'][v]!]: perUnit })));

  it('does not flag busy units landing unevenly, which the per-request test would', () => {
    const clusters = units([22, 31, 27], 11);
    const observed = { a: 22 * 11, b: 31 * 11, c: 27 * 11 };
    const weights = { a: 34, b: 33, c: 33 };
    expect(sampleRatioMismatch(observed, weights)!.mismatch).toBe(true);
    const perUnit = sampleRatioMismatch(observed, weights, { clusters })!;
    expect(perUnit.basis).toBe('units');
    expect(perUnit.mismatch).toBe(false);
    expect(perUnit.pValue).toBeGreaterThan(0.05);
  });

  it('still flags a split that is off unit by unit', () => {
    const clusters = units([300, 200], 1);
    const r = sampleRatioMismatch({ a: 300, b: 200 }, { a: 50, b: 50 }, { clusters })!;
    expect(r.basis).toBe('units');
    // One request per unit: the per-request test in Wald form (variance of the observed shares: 20.8, Pearson's 20).
    expect(r.chiSquare).toBeCloseTo(20.8, 1);
    expect(r.mismatch).toBe(true);
  });

  it('falls back to requests with too few unit buckets', () => {
    expect(sampleRatioMismatch({ a: 50, b: 50 }, { a: 50, b: 50 }, { clusters: units([3, 3], 10) })!.basis).toBe('requests');
  });
});
