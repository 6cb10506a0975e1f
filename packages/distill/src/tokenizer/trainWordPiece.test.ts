import { encodeText, inlineTokenizerSpec, parseManifest, tokenize } from '@pare/runtime';
import { describe, expect, it } from 'vitest';
import { encodeExamples } from '../data/encode';
import { trainWordPiece } from './trainWordPiece';

const corpus = [
  'Click here to claim your FREE prize now!', 'Meeting notes: the build is green again.', 'free free free money, click now',
  'Re: the patch for the kernel build', 'Claim your prize: click the link', 'notes from the kernel meeting',
];

describe('trainWordPiece', () => {
  const spec = trainWordPiece(Array(3).fill(corpus).flat(), { vocabSize: 120, maxLength: 16, minCharFrequency: 1 });

  it('starts with the special tokens and stops at the requested size', () => {
    expect(spec.vocab.slice(0, 3)).toEqual(['[PAD]', '[UNK]', '[CLS]']);
    expect(spec.vocab.length).toBeLessThanOrEqual(120);
    expect(new Set(spec.vocab).size).toBe(spec.vocab.length);
  });

  it('learns whole frequent words', () => {
    for (const w of ['click', 'free', 'the', 'kernel']) expect(spec.vocab).toContain(w);
  });

  it('round-trips: pieces joined back give the normalised words', () => {
    const text = 'Claim the FREE kernel prize, click!';
    const pieces = tokenize(spec, text).map((id) => spec.vocab[id]!);
    expect(pieces).not.toContain('[UNK]');
    const words = pieces.reduce<string[]>((acc, p) => (p.startsWith('##') ? [...acc.slice(0, -1), acc.at(-1)! + p.slice(2)] : [...acc, p]), []);
    expect(words).toEqual(['claim', 'the', 'free', 'kernel', 'prize', ',', 'click', '!']);
  });

  it('gives the edge the ids training used (spec through manifest JSON)', () => {
    const examples = corpus.map((text, i) => ({ id: String(i), group: 'x', text, label: 0 as const, hard: false }));
    const trained = encodeExamples(spec, examples);
    const edgeSpec = inlineTokenizerSpec(parseManifest(JSON.parse(JSON.stringify({
      model: 'spam', variant: 'student', sha256: '0'.repeat(64), bytes: 1, inputs: [{ name: 'input_ids', dtype: 'int64', shape: ['batch', 16] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 2] }], preprocess: { tokenizer: spec, idsInput: 'input_ids', maskInput: 'attention_mask' },
    }))));
    corpus.forEach((text, i) => {
      const edge = encodeText(edgeSpec, text);
      expect(Array.from(edge.ids)).toEqual(Array.from(trained.ids.subarray(i * 16, i * 16 + 16)));
      expect(Array.from(edge.attentionMask)).toEqual(Array.from(trained.mask.subarray(i * 16, i * 16 + 16)));
    });
  });
});
