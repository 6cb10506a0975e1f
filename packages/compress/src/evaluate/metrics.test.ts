import { describe, expect, it } from 'vitest';
import { argmax, cosineSimilarity, isScoreVector, maxAbsError, maxRelError, top1Matches } from './metrics';
import { compareOutputs } from './compareOutputs';

describe('metrics', () => {
  it('cosine similarity handles scale, sign and zeros', () => {
    expect(cosineSimilarity([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 0], [-1, 0])).toBeCloseTo(-1, 12);
    expect(cosineSimilarity([0, 0], [0, 0])).toBe(1);
    expect(cosineSimilarity([0, 0], [1, 0])).toBe(0);
    expect(() => cosineSimilarity([1], [1, 2])).toThrow(/differ in size/);
  });

  it('errors: absolute and relative to the reference scale', () => {
    expect(maxAbsError([1, -4, 2], [1.5, -4, 2])).toBe(0.5);
    expect(maxRelError([1, -4, 2], [1.5, -4, 2])).toBe(0.125);
    expect(maxRelError([0, 0], [0, 0])).toBe(0);
  });

  it('top-1 over rows of the last axis', () => {
    expect(argmax([0.1, 0.7, 0.2])).toBe(1);
    expect(top1Matches([1, 0, 0, 1], [0.9, 0.1, 0.6, 0.4], 2)).toEqual({ agree: 1, rows: 2 });
    expect(isScoreVector([1, 10])).toBe(true);
    expect(isScoreVector([1, 40, 6625])).toBe(true);
    expect(isScoreVector([1, 1])).toBe(false);
    expect(isScoreVector([1, 1, 64, 64])).toBe(false);
  });

  it('compareOutputs folds samples into mean and min per output', () => {
    const t = (data: number[]) => ({ type: 'float32' as const, dims: [1, data.length], data: Float32Array.from(data) });
    const f = compareOutputs([{ y: t([1, 0]) }, { y: t([0, 1]) }], [{ y: t([1, 0]) }, { y: t([1, 1]) }]);
    expect(f.overall.cosineMean).toBeCloseTo((1 + Math.SQRT1_2) / 2, 12);
    expect(f.overall.cosineMin).toBeCloseTo(Math.SQRT1_2, 12);
    expect(f.outputs.y!.top1Agreement).toBe(0.5);
  });
});
