import { describe, expect, it } from 'vitest';
import type { TokenizerSpec } from '../manifest';
import { encodeBatch } from '../tokenizer';
import { pareTextTokenizer } from './pareTextTokenizer';

const spec: TokenizerSpec = {
  kind: 'wordpiece', vocab: ['[PAD]', '[UNK]', '[CLS]', 'free', 'money', '##s', 'now', '!'], lowercase: true, maxLength: 6,
  unkToken: '[UNK]', padToken: '[PAD]', clsToken: '[CLS]', continuingPrefix: '##',
};

describe('pareTextTokenizer', () => {
  const texts = ['Free MONEYS now!', 'ﬁ xyz   Moneys', '', 'free free free free free free free'];
  const batch = pareTextTokenizer(spec).encode(texts);

  it('gives exactly the ids and mask of encodeBatch (what Pare variants were trained on)', () => {
    const old = encodeBatch(spec, texts);
    expect(batch.ids).toEqual(old.ids);
    expect(batch.attentionMask).toEqual(old.attentionMask);
    expect(batch.dims).toEqual([4, 6]);
    expect(batch.truncated).toEqual([false, false, false, true]);
  });

  it('maps every token back to its characters in the original text, and to its word', () => {
    const text = texts[0]!;
    const spans = batch.offsets[0]!.slice(0, 6).map(([a, b]) => text.slice(a, b));
    expect(spans).toEqual(['', 'Free', 'MONEY', 'S', 'now', '!']);
    expect(batch.wordIds[0]).toEqual([null, 0, 1, 1, 2, 3]);
    expect(batch.offsets[1]!.slice(0, 5)).toEqual([[0, 0], [0, 1], [2, 5], [8, 13], [13, 14]]);
  });
});
