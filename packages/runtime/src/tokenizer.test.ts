import { describe, expect, it } from 'vitest';
import { parseManifest } from './manifest';
import { encodeBatch, encodeText, preTokenize, tokenize } from './tokenizer';
import type { TokenizerSpec } from './manifest';

const spec: TokenizerSpec = {
  kind: 'wordpiece', vocab: ['[PAD]', '[UNK]', '[CLS]', 'free', 'money', 'mon', '##ey', '##s', 'now', '!', 'f', '##r', '##e'],
  lowercase: true, maxLength: 8, unkToken: '[UNK]', padToken: '[PAD]', clsToken: '[CLS]', continuingPrefix: '##',
};

describe('wordpiece tokenizer', () => {
  it('splits words and punctuation after NFKC + lower-casing', () => {
    expect(preTokenize('FREE money!! ﬁne', true)).toEqual(['free', 'money', '!', '!', 'fine']);
  });

  it('segments greedily, longest piece first, with continuation pieces', () => {
    expect(tokenize(spec, 'Moneys free').map((i) => spec.vocab[i])).toEqual(['money', '##s', 'free']);
    expect(tokenize(spec, 'freee').map((i) => spec.vocab[i])).toEqual(['free', '##e']);
  });

  it('maps a word with no full segmentation to [UNK]', () => {
    expect(tokenize(spec, 'xyz now')).toEqual([1, 8]);
  });

  it('prepends [CLS], pads to maxLength and masks the padding', () => {
    const e = encodeText(spec, 'free money now');
    expect(Array.from(e.ids)).toEqual([2, 3, 4, 8, 0, 0, 0, 0]);
    expect(Array.from(e.attentionMask)).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    expect(e.length).toBe(4);
  });

  it('truncates to maxLength, mid-word if need be', () => {
    const e = encodeText(spec, 'free free free free free free moneys');
    expect(e.length).toBe(8);
    expect(Array.from(e.ids)).toEqual([2, 3, 3, 3, 3, 3, 3, 4]);
  });

  it('gives the same ids after the spec travels through manifest JSON', () => {
    const manifest = parseManifest(JSON.parse(JSON.stringify({
      model: 'm', variant: 'v', sha256: 'a'.repeat(64), bytes: 1, inputs: [{ name: 'input_ids', dtype: 'int64', shape: [-1, 8] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: [-1, 2] }], preprocess: { tokenizer: spec, idsInput: 'input_ids' },
    })));
    const text = 'Free MONEY now!!! moneys';
    const travelled = manifest.preprocess!.tokenizer;
    if (travelled.kind === 'huggingface' || travelled.kind === 'hashed-ngrams') throw new Error('the spec changed kind on the way');
    expect(encodeText(travelled, text)).toEqual(encodeText(spec, text));
  });

  it('encodes a batch as int64 rows', () => {
    const b = encodeBatch(spec, ['free', 'now now']);
    expect(b.dims).toEqual([2, 8]);
    expect(Array.from(b.ids.slice(0, 3))).toEqual([2n, 3n, 0n]);
    expect(Array.from(b.attentionMask.slice(8, 12))).toEqual([1n, 1n, 1n, 0n]);
  });

  it('refuses a vocabulary without its special tokens', () => {
    expect(() => encodeText({ ...spec, vocab: ['a'] }, 'a')).toThrow(/unkToken/);
  });
});
