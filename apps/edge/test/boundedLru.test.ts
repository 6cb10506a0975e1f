import { describe, expect, it } from 'vitest';
import { BoundedLru } from '../src/cache/boundedLru';

function lru(options: { maxEntries: number; maxBytes?: number }): { cache: BoundedLru<string, string>; removed: string[] } {
  const removed: string[] = [];
  return { cache: new BoundedLru<string, string>({ ...options, onRemove: (key, value) => removed.push(`${key}=${value}`) }), removed };
}

describe('BoundedLru', () => {
  it('keeps at most maxEntries, evicting the least recently used first', () => {
    const { cache, removed } = lru({ maxEntries: 2 });
    cache.set('a', '1');
    cache.set('b', '2');
    expect(cache.get('a')).toBe('1'); // a is now newer than b
    cache.set('c', '3');
    expect(removed).toEqual(['b=2']);
    expect(cache.size).toBe(2);
    expect(cache.peek('b')).toBeUndefined();
    // peek does not refresh: a stays the oldest.
    expect(cache.peek('a')).toBe('1');
    cache.set('d', '4');
    expect(removed).toEqual(['b=2', 'a=1']);
  });

  it('keeps the byte estimates under maxBytes, but never evicts the newest entry', () => {
    const { cache, removed } = lru({ maxEntries: 10, maxBytes: 100 });
    cache.set('a', '1', 40);
    cache.set('b', '2', 40);
    expect(cache.bytes).toBe(80);
    cache.set('c', '3', 40);
    expect(removed).toEqual(['a=1']);
    expect(cache.bytes).toBe(80);
    // One entry above the budget on its own stays (and pushes out all others).
    cache.set('big', 'x', 500);
    expect(removed).toEqual(['a=1', 'b=2', 'c=3']);
    expect([cache.size, cache.bytes]).toEqual([1, 500]);
  });

  it('re-sizes an entry set again with the same value, and removes a replaced value', () => {
    const { cache, removed } = lru({ maxEntries: 10, maxBytes: 100 });
    cache.set('a', '1', 10);
    cache.set('b', '2', 10);
    cache.set('a', '1', 95); // same value: no callback, a becomes the newest, b goes for the budget
    expect(removed).toEqual(['b=2']);
    expect(cache.bytes).toBe(95);
    cache.set('a', 'new', 5);
    expect(removed).toEqual(['b=2', 'a=1']);
    expect(cache.bytes).toBe(5);
  });

  it('calls onRemove for a deleted entry, and shrinking the limits evicts at once', () => {
    const { cache, removed } = lru({ maxEntries: 10 });
    for (const k of ['a', 'b', 'c']) cache.set(k, k.toUpperCase(), 10);
    expect(cache.delete('b')).toBe(true);
    expect(cache.delete('b')).toBe(false);
    cache.setLimits({ maxBytes: 10 });
    expect(removed).toEqual(['b=B', 'a=A']);
    expect(cache.size).toBe(1);
  });

  it('does not run onRemove for a held value until its last hold is released', () => {
    const { cache, removed } = lru({ maxEntries: 1 });
    cache.set('a', '1');
    const first = cache.acquire('a')!;
    const second = cache.acquire('a')!;
    cache.set('b', '2'); // evicts a while two requests hold it
    expect(cache.peek('a')).toBeUndefined();
    expect(removed).toEqual([]);
    expect(cache.awaitingRelease).toBe(1);
    first();
    first(); // a second call of the same release counts once
    expect(removed).toEqual([]);
    second();
    expect(removed).toEqual(['a=1']);
    expect(cache.awaitingRelease).toBe(0);
    // A hold released while the value is still cached removes nothing.
    cache.acquire('b')!();
    expect(removed).toEqual(['a=1']);
    expect(cache.acquire('missing')).toBeUndefined();
  });
});
