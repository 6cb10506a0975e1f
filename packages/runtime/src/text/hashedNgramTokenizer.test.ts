import { describe, expect, it } from 'vitest';
import { hashedNgramSpecOf, parseManifest } from '../manifest';
import { inlineTokenizer } from '../textFeeds';
import { fnv1a32, hashedNgramIds, hashedNgramTokenizer } from './hashedNgramTokenizer';

const spec = hashedNgramSpecOf({ kind: 'hashed-ngrams', buckets: 1000, wordNgrams: 2, charNgrams: { min: 3, max: 4 }, maxLength: 64 });

describe('hashed n-gram tokenizer', () => {
  it('hashes with 32-bit FNV-1a (published test vectors) and its seed', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(fnv1a32('foobar', 1)).not.toBe(fnv1a32('foobar'));
  });

  it('gives each word its id, its bigram with the word before and its character n-grams, all in 1..buckets-1', () => {
    const { ids, words } = hashedNgramIds(spec, 'Free money');
    // free: word + "<fr fre ree ee>" + "<fre free ree>" = 1 + 4 + 3; money: word + bigram + 5 + 4.
    expect(ids).toHaveLength(8 + 11);
    expect(words).toEqual([...Array(8).fill(0), ...Array(11).fill(1)]);
    expect(ids.every((id) => id >= 1 && id < 1000)).toBe(true);
    expect(hashedNgramIds(spec, 'FREE money').ids).toEqual(ids);
    expect(hashedNgramIds({ ...spec, charNgrams: undefined, wordNgrams: 1 }, 'free money').ids).toEqual([ids[0], ids[8]]);
  });

  it('cuts a long text at maxLength and pads a batch to its longest row with id 0', () => {
    const t = hashedNgramTokenizer(spec);
    const b = t.encode(['win '.repeat(50), 'hi', '']);
    expect(b.dims).toEqual([3, 64]);
    expect(b.truncated).toEqual([true, false, false]);
    // "hi": its word id and "<hi", "hi>", "<hi>".
    expect(Array.from(b.attentionMask.subarray(64, 128)).filter((m) => m === 1n)).toHaveLength(4);
    // An empty text is one padding row, so a model's mean is defined.
    expect(b.ids[128]).toBe(0n);
    expect(b.attentionMask[128]).toBe(1n);
  });

  it('travels in the manifest and is what inlineTokenizer builds', () => {
    const manifest = parseManifest(JSON.parse(JSON.stringify({
      model: 'm', variant: 'v', sha256: 'a'.repeat(64), bytes: 1, task: 'text-classification',
      inputs: [{ name: 'input_ids', dtype: 'int64', shape: ['batch', 'length'] }], outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 2] }],
      preprocess: { tokenizer: { kind: 'hashed-ngrams', buckets: 1000, charNgrams: { min: 3, max: 4 }, maxLength: 64 }, idsInput: 'input_ids' },
    })));
    const texts = ['Cheap “pills” – now!', 'lunch tomorrow?'];
    expect(inlineTokenizer(manifest).encode(texts).ids).toEqual(hashedNgramTokenizer(spec).encode(texts).ids);
    expect(inlineTokenizer(manifest).vocabSize).toBe(1000);
  });
});
