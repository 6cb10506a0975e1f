// Ids from the runtime's Hugging Face tokenizer against Python `tokenizers` on the same ≥ 1,000 texts (unicode,
// emoji, CJK, accents, long words, empty strings, whitespace runs, very long texts), for every tokenizer kind
// in the fixtures: WordPiece (cased and uncased), byte-level BPE and Unigram.
import { describe, expect, it } from 'vitest';
import { parseTokenizerJson } from '../../src/text/tokenizerJson';
import { HuggingFaceTokenizer } from '../../src/text/huggingFaceTokenizer';
import { fixtureBytes, parityTexts, pythonEncodings, TOKENIZER_FOLDERS, utf16Offsets, type TokenizerName } from './hfFixtures';

const texts = parityTexts();
const unbounded = { kind: 'huggingface' as const, sha256: '0'.repeat(64), bytes: 1, maxLength: 1_000_000, truncation: 'right' as const };

describe.each(Object.keys(TOKENIZER_FOLDERS) as TokenizerName[])('%s tokenizer.json', (name) => {
  const tokenizer = new HuggingFaceTokenizer(parseTokenizerJson(fixtureBytes(TOKENIZER_FOLDERS[name], 'tokenizer.json')), unbounded);
  const python = pythonEncodings(name);
  const encoded = texts.map((t) => tokenizer.encode([t]));

  it('has parity texts of every kind', () => {
    expect(texts.length).toBeGreaterThanOrEqual(1000);
    expect(python).toHaveLength(texts.length);
    expect(texts).toContain('');
    expect(texts.some((t) => t.length >= 10_000)).toBe(true);
  });

  it('gives ids identical to Python on every text', () => {
    const mismatches = texts.flatMap((text, i) => {
      const ids = Array.from(encoded[i]!.ids, Number);
      return ids.join() === python[i]!.ids.join() ? [] : [{ i, text: text.slice(0, 80), js: ids.slice(0, 20), py: python[i]!.ids.slice(0, 20) }];
    });
    expect(mismatches.slice(0, 3)).toEqual([]);
  });

  it('gives the same token type ids and word ids as Python', () => {
    const bad = texts.filter((_, i) => {
      const e = encoded[i]!;
      const typeIds = python[i]!.typeIds ?? python[i]!.ids.map(() => 0);
      return Array.from(e.typeIds, Number).join() !== typeIds.join() || e.wordIds[0]!.join() !== python[i]!.wordIds.join();
    });
    expect(bad.slice(0, 3)).toEqual([]);
  });

  it('gives the same ids and word ids without offsets, from a fresh tokenizer and from one that has seen the texts', () => {
    const fresh = new HuggingFaceTokenizer(parseTokenizerJson(fixtureBytes(TOKENIZER_FOLDERS[name], 'tokenizer.json')), unbounded);
    for (const pass of [fresh, tokenizer]) {
      const bad = texts.filter((text, i) => {
        const e = pass.encode([text], { offsets: false });
        return Array.from(e.ids, Number).join() !== python[i]!.ids.join() || e.wordIds[0]!.join() !== python[i]!.wordIds.join() || e.offsets[0]!.some(([a, b]) => a !== 0 || b !== 0);
      });
      expect(bad.slice(0, 3)).toEqual([]);
    }
  });

  it('gives the same character offsets as Python on nearly every text', () => {
    const agree = texts.filter((text, i) => JSON.stringify(encoded[i]!.offsets[0]) === JSON.stringify(utf16Offsets(text, python[i]!.offsets))).length;
    expect(agree / texts.length).toBeGreaterThanOrEqual(0.97);
  });
});

describe('truncation and padding', () => {
  const json = parseTokenizerJson(fixtureBytes('distilbert-spam', 'tokenizer.json'));
  const python = pythonEncodings('wordpiece-uncased');
  const long = texts.findIndex((t) => t.length > 5000);
  const content = python[long]!.ids.slice(1, -1);
  const [cls, sep] = [python[long]!.ids[0]!, python[long]!.ids.at(-1)!];

  it('cuts the end of a long text (right) or its start (left) and keeps the special tokens, as Python does', () => {
    const right = new HuggingFaceTokenizer(json, { ...unbounded, maxLength: 16 }).encode([texts[long]!]);
    expect(Array.from(right.ids, Number)).toEqual([cls, ...content.slice(0, 14), sep]);
    expect(right.truncated).toEqual([true]);
    const left = new HuggingFaceTokenizer(json, { ...unbounded, maxLength: 16, truncation: 'left' }).encode([texts[long]!]);
    expect(Array.from(left.ids, Number)).toEqual([cls, ...content.slice(-14), sep]);
  });

  it('pads a batch to its longest text with the pad token, masking the padding', () => {
    const b = new HuggingFaceTokenizer(json, { ...unbounded, maxLength: 16, padToken: '[PAD]' }).encode(['hello', 'hello there my friend']);
    const width = b.dims[1];
    const pad = json.added_tokens.find((t) => t.content === '[PAD]')!.id;
    expect(b.dims[0]).toBe(2);
    expect(Array.from(b.ids.slice(width - 2, width), Number)).toEqual([pad, pad]);
    expect(Array.from(b.attentionMask.slice(0, width), Number).filter((m) => m === 1).length).toBeLessThan(width);
    expect(b.truncated).toEqual([false, false]);
    expect(b.wordIds[0]!.at(-1)).toBeNull();
  });
});
