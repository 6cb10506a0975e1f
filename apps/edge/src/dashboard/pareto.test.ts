import { describe, expect, it } from 'vitest';
import { dominatedVariants } from './pareto';

describe('dominatedVariants', () => {
  it('marks variants beaten on every axis', () => {
    const d = dominatedVariants([
      { variant: 'fp32', bytes: 1000, accuracy: 0.9, latencyMs: 10 },
      { variant: 'int8', bytes: 300, accuracy: 0.89, latencyMs: 6 },
      // Bigger, less accurate and slower than int8: dominated.
      { variant: 'p50', bytes: 500, accuracy: 0.85, latencyMs: 7 },
      { variant: 'tiny', bytes: 100, accuracy: 0.7, latencyMs: 5 },
    ]);
    expect([...d]).toEqual([['p50', 'int8']]);
  });

  it('ignores axes a variant lacks, and ties dominate nothing', () => {
    const d = dominatedVariants([
      { variant: 'a', bytes: 100, accuracy: null, latencyMs: null },
      { variant: 'b', bytes: 200, accuracy: 0.9, latencyMs: null },
      { variant: 'c', bytes: 100, accuracy: null, latencyMs: null },
    ]);
    // a and c (100 bytes) dominate b on size, the only axis they share.
    expect(d.get('b')).toBe('a');
    expect(d.has('a')).toBe(false);
    expect(d.has('c')).toBe(false);
  });
});
