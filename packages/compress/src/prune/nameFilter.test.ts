import { describe, expect, it } from 'vitest';
import { nameFilter } from './nameFilter';

describe('nameFilter', () => {
  it('matches exact names and * globs, and says which pattern matched', () => {
    const f = nameFilter(['fc.weight', 'encoder.*', '*bias', 'a*c']);
    expect(f('fc.weight')).toBe('fc.weight');
    expect(f('x', 'encoder.layer0.w')).toBe('encoder.*');
    expect(f('layer1.bias')).toBe('*bias');
    expect(f('abc', undefined)).toBe('a*c');
    expect(f('fc.weights', 'decoder.w', undefined, '')).toBeUndefined();
  });

  it('treats regex characters literally', () => {
    const f = nameFilter(['p2o.Conv.1*']);
    expect(f('p2o.Conv.12')).toBe('p2o.Conv.1*');
    expect(f('p2oxConvx1')).toBeUndefined();
  });
});
