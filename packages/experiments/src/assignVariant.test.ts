import { describe, expect, it } from 'vitest';
import { assignVariant, pickByWeight, validateWeights } from './assignVariant';
import { unitSlot } from './stableHash';

const healthyAll = new Set(['fp32', 'int8']);

describe('assignVariant', () => {
  it('keeps a unit on the same variant while the weights stay the same', () => {
    for (let u = 0; u < 200; u++) {
      const first = assignVariant({ model: 'spam', unit: `user-${u}`, weights: { fp32: 50, int8: 50 }, healthy: healthyAll });
      for (let again = 0; again < 3; again++) {
        expect(assignVariant({ model: 'spam', unit: `user-${u}`, weights: { int8: 50, fp32: 50 }, healthy: healthyAll }).variant).toBe(first.variant);
      }
    }
  });

  it('sends traffic in the proportions of the weights', () => {
    const n = 20000;
    const counts: Record<string, number> = { fp32: 0, int8: 0 };
    for (let u = 0; u < n; u++) counts[assignVariant({ model: 'spam', unit: `u${u}`, weights: { fp32: 70, int8: 30 }, healthy: healthyAll }).variant]!++;
    // 20000 draws at p = 0.3: sd ≈ 65, so ±2% (400) is more than 6 sd.
    expect(Math.abs(counts.int8! / n - 0.3)).toBeLessThan(0.02);
  });

  it('moves only the units that must move when weights change', () => {
    let moved = 0;
    for (let u = 0; u < 5000; u++) {
      const before = pickByWeight({ fp32: 90, int8: 10 }, unitSlot('spam', `u${u}`));
      const after = pickByWeight({ fp32: 80, int8: 20 }, unitSlot('spam', `u${u}`));
      if (before !== after) {
        moved++;
        expect(before).toBe('fp32');
      }
    }
    expect(moved / 5000).toBeGreaterThan(0.07);
    expect(moved / 5000).toBeLessThan(0.13);
  });

  it('serves an unhealthy variant’s traffic from the healthy ones, and 503s when none is healthy', () => {
    const weights = { fp32: 50, int8: 50 };
    for (let u = 0; u < 100; u++) {
      const a = assignVariant({ model: 'spam', unit: `u${u}`, weights, healthy: new Set(['fp32']) });
      expect(a.variant).toBe('fp32');
      if (a.assigned === 'int8') expect(a.fallback).toBe(true);
    }
    expect(assignVariant({ model: 'm', unit: 'x', weights: { a: 100 }, healthy: new Set(['b']), candidates: ['a', 'b'] }).variant).toBe('b');
    expect(() => assignVariant({ model: 'spam', unit: 'u', weights, healthy: new Set() })).toThrow(/no healthy variant/);
  });
});

describe('validateWeights', () => {
  it('accepts integer weights summing to 100', () => {
    expect(() => validateWeights({ a: 60, b: 40 })).not.toThrow();
    expect(() => validateWeights({ a: 100, b: 0 })).not.toThrow();
  });
  it('names what is wrong', () => {
    expect(() => validateWeights({ a: 60, b: 30 })).toThrow(/sum to 90/);
    expect(() => validateWeights({ a: 50.5, b: 49.5 })).toThrow(/integer/);
    expect(() => validateWeights({ a: -10, b: 110 })).toThrow(/0 to 100/);
    expect(() => validateWeights({})).toThrow(/at least one/);
  });
});

describe('withVariantWeight', () => {
  it('scales the other variants to fill the rest, summing to 100', async () => {
    const { withVariantWeight } = await import('./withVariantWeight');
    expect(withVariantWeight({ fp32: 100 }, 'int8', 10)).toEqual({ fp32: 90, int8: 10 });
    const w = withVariantWeight({ a: 50, b: 25, c: 25 }, 'd', 33);
    expect(Object.values(w).reduce((s, x) => s + x, 0)).toBe(100);
    expect(w.d).toBe(33);
    expect(withVariantWeight({}, 'only', 100)).toEqual({ only: 100 });
    expect(() => withVariantWeight({}, 'only', 50)).toThrow(/must be 100/);
  });
});

describe('experiment salt', () => {
  it('keeps the unsalted split byte for byte, and reshuffles units under a new salt', () => {
    const units = Array.from({ length: 2000 }, (_, u) => `u${u}`);
    const weights = { fp32: 50, int8: 50 };
    const pick = (salt?: string) => units.map((unit) => assignVariant({ model: 'spam', unit, weights, healthy: healthyAll, salt }).variant);
    // The default (no salt, or the empty salt) is the slot units always had.
    expect(pick('')).toEqual(pick(undefined));
    expect(units.map((u) => unitSlot('spam', u, ''))).toEqual(units.map((u) => unitSlot('spam', u)));
    const before = pick(undefined);
    const after = pick('exp-2');
    expect(pick('exp-2')).toEqual(after);
    // Independent halves: about half the units change variant under the new salt.
    const moved = before.filter((v, i) => v !== after[i]).length / units.length;
    expect(moved).toBeGreaterThan(0.4);
    expect(moved).toBeLessThan(0.6);
  });
});
