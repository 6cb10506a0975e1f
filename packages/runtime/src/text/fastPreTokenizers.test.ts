import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { speedUpPreTokenizer } from './fastPreTokenizers';
import { parseTokenizerJson, type TokenizerJson } from './tokenizerJson';
import { forLibrary } from './libraryQuirks';

const HF = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'hf');
const texts = [
  ...(JSON.parse(readFileSync(join(HF, 'parity', 'texts.json'), 'utf8')) as string[]).slice(0, 300),
  '', ' ', '  two  spaces ', 'emoji 😀👍🏽 and ZWJ 👩‍👩‍👧', 'curly “quotes” – dashes — €5', "it's we're they'll", '\t\ttabs\nand\r\nnewlines',
];

const preTokenizerOf = (json: TokenizerJson) => new Tokenizer(forLibrary(json), {}).pre_tokenizer!;

function expectSameSplits(json: TokenizerJson): void {
  const reference = preTokenizerOf(json);
  const fast = preTokenizerOf(json);
  speedUpPreTokenizer(fast);
  for (const [i, text] of texts.entries()) {
    // Twice: the second call reads the memo the first one filled.
    for (let pass = 0; pass < 2; pass++) expect(fast(text, { section_index: i % 2 })).toEqual(reference(text, { section_index: i % 2 }));
  }
}

describe('speedUpPreTokenizer', () => {
  for (const fixture of ['roberta-spam', 'xlmr-email-tags', 'distilbert-spam']) {
    it(`splits like the library on ${fixture}'s tokenizer.json`, () => {
      expectSameSplits(parseTokenizerJson(readFileSync(join(HF, fixture, 'tokenizer.json'))));
    });
  }

  it('keeps ByteLevel options (prefix space, no regex) and nested sequences', () => {
    const base = parseTokenizerJson(readFileSync(join(HF, 'roberta-spam', 'tokenizer.json')));
    for (const pre_tokenizer of [
      { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      { type: 'Sequence', pretokenizers: [{ type: 'Digits', individual_digits: true }, { type: 'ByteLevel', add_prefix_space: true, use_regex: true }] },
    ]) {
      expectSameSplits({ ...base, pre_tokenizer } as TokenizerJson);
    }
  });

  it('leaves a tokenizer without a pre-tokeniser alone', () => {
    expect(() => speedUpPreTokenizer(null)).not.toThrow();
    expect(() => speedUpPreTokenizer(undefined)).not.toThrow();
  });
});
