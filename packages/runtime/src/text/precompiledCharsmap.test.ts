// The Precompiled normaliser against what Python's `tokenizers` 0.23 gives for the same charsmap (the converted
// SentencePiece fixture's nmt_nfkc map), including its quirk of replacing a whole short grapheme cluster by the
// first match of its prefix.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePrecompiledCharsmap, precompiledNormalizer } from './precompiledCharsmap';

const fixture = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'hf', 'spm-tokenizer', 'tokenizer.json');
const json = JSON.parse(readFileSync(fixture, 'utf8')) as { normalizer: { normalizers: Array<{ type: string; precompiled_charsmap?: string }> } };
const charsmap = json.normalizer.normalizers.find((n) => n.type === 'Precompiled')!.precompiled_charsmap!;

// [input, Python's normalize_str] for normalizers.Precompiled(charsmap).
const PYTHON: Array<[string, string]> = [
  ['cafe\u0301 ok', 'caf\u00e9 ok'],
  ['a\r\nb', 'a b'],
  ['x\u200d\u{1F469}y', 'x\u200d\u{1F469}y'],
  ['\ufeffhi\u00a0there', ' hi there'],
  ['\uff26\uff35\uff2c\uff2c width', 'FULL width'],
  ['\u2460 \u00bd \ufb01', '1 1\u20442 fi'],
  ['tab\there\u0001x', 'tab herex'],
  ['\u{1F468}\u200d\u{1F469}\u200d\u{1F467}\u200d\u{1F466}!', '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}\u200d\u{1F466}!'],
  ['e\u0301\u0301', '\u00e9'],
];

describe('precompiledNormalizer', () => {
  const normalize = precompiledNormalizer(parsePrecompiledCharsmap(charsmap));

  it.each(PYTHON)('%j → what Python gives', (input, expected) => {
    expect(normalize(input)).toBe(expected);
  });

  it('gives the same result for a text seen again (memoised graphemes) and for an empty text', () => {
    expect(normalize('cafe\u0301 ok')).toBe('caf\u00e9 ok');
    expect(normalize('')).toBe('');
  });

  it('refuses a charsmap that is not one', () => {
    expect(() => parsePrecompiledCharsmap('AAAA')).toThrow(/malformed trie header/);
    expect(() => parsePrecompiledCharsmap('%%%')).toThrow(/not valid base64/);
  });
});
