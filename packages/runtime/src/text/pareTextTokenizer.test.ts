import { describe, expect, it } from 'vitest';
import type { TokenizerSpec } from '../manifest';
import { encodeText } from '../tokenizer';
import { pareTextTokenizer } from './pareTextTokenizer';

const spec: TokenizerSpec = {
  kind: 'wordpiece', vocab: ['[PAD]', '[UNK]', '[CLS]', 'free', 'money', 'mon', '##ey', '##s', 'now', '!', 'fine'],
  lowercase: true, maxLength: 6, unkToken: '[UNK]', padToken: '[PAD]', clsToken: '[CLS]', continuingPrefix: '##',
};

describe('pareTextTokenizer', () => {
  const tokenizer = pareTextTokenizer(spec);

  it('gives the ids of encodeText, padded to the longest text of the batch', () => {
    const batch = tokenizer.encode(['FREE moneys!', 'now']);
    expect(batch.dims).toEqual([2, 5]);
    expect(Array.from(batch.ids.slice(0, 5), Number)).toEqual(Array.from(encodeText(spec, 'FREE moneys!').ids.slice(0, 5)));
    expect(Array.from(batch.attentionMask, Number)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
    expect(tokenizer.padId).toBe(0);
  });

  it('points each token at its characters in the original text, and numbers the words', () => {
    const batch = tokenizer.encode(['FREE moneys!']);
    expect(batch.offsets[0]).toEqual([[0, 0], [0, 4], [5, 10], [10, 11], [11, 12]]);
    expect(batch.wordIds[0]).toEqual([null, 0, 1, 1, 2]);
  });

  it('maps offsets back through NFKC (a ligature is one character of the text)', () => {
    const batch = tokenizer.encode(['ﬁne money']);
    // "ﬁ" is one UTF-16 unit that normalises to "fi": "fine" spans [0, 3) of the original.
    expect(batch.offsets[0]!.slice(1, 3)).toEqual([[0, 3], [4, 9]]);
  });

  it('says which texts were cut to maxLength', () => {
    const batch = tokenizer.encode(['free free free free free', 'free free free free free free']);
    expect(batch.truncated).toEqual([false, true]);
    expect(batch.dims).toEqual([2, 6]);
  });
});
