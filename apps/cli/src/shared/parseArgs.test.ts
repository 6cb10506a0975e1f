import { describe, expect, it } from 'vitest';
import { parseByteSize, parseDim, parseFraction, parseList } from './parseArgs';

describe('option parsers', () => {
  it('reads byte sizes in decimal and binary units', () => {
    expect(parseByteSize('--max-bytes', '500000')).toBe(500_000);
    expect(parseByteSize('--max-bytes', '800KB')).toBe(800_000);
    expect(parseByteSize('--max-bytes', '4.5mb')).toBe(4_500_000);
    expect(parseByteSize('--max-bytes', '2MiB')).toBe(2 * 1024 * 1024);
    for (const bad of ['', '0', '-1MB', '3 parsecs', 'MB']) expect(() => parseByteSize('--max-bytes', bad)).toThrow(/--max-bytes takes a size/);
  });

  it('reads fractions, lists and dims', () => {
    expect(parseFraction('--sparsity', '0.5')).toBe(0.5);
    expect(() => parseFraction('--structured', '1', true)).toThrow(/exclusive/);
    expect(() => parseFraction('--sparsity', 'half')).toThrow(/got "half"/);
    expect(parseList('a, b,,c')).toEqual(['a', 'b', 'c']);
    expect(parseDim('w=320', parseDim('h=48'))).toEqual({ h: 48, w: 320 });
    expect(() => parseDim('w:320')).toThrow(/--dim takes name=size/);
  });
});
