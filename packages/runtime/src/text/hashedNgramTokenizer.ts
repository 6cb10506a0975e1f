// fastText-style hashed n-grams behind the TextTokenizer interface: the words of a text (Pare's own
// pre-tokeniser, ../tokenizer.ts, so punctuation marks are words too), their adjacent pairs and the character
// n-grams of each word hash into the rows of an embedding table; the model averages the rows it is given.
// No vocabulary travels: the manifest's spec (buckets, n-gram orders, hash seed) is all the edge, the origin and
// the trainer need to make the same ids. Web-standard code only: it runs inside a Cloudflare Worker.
import type { HashedNgramSpec } from '../manifest';
import { preTokenize } from '../tokenizer';
import { stackRows, type EncodedRow } from './stackRows';
import type { TextTokenizer } from './textTokenizer';

const FNV_OFFSET = 2166136261;
const FNV_PRIME = 16777619;

/** 32-bit FNV-1a over UTF-16 code units, the offset basis XORed with `seed`. */
export function fnv1a32(text: string, seed = 0): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/** Ids of one text with the word each id came from, at most `spec.maxLength` of them. */
export function hashedNgramIds(spec: HashedNgramSpec, text: string): { ids: number[]; words: number[]; truncated: boolean } {
  const words = preTokenize(text, spec.lowercase);
  const ids: number[] = [];
  const from: number[] = [];
  // Each kind of n-gram has its own prefix so that a word and a character n-gram spelled alike differ.
  const id = (gram: string) => 1 + (fnv1a32(gram, spec.seed) % (spec.buckets - 1));
  const push = (gram: string, word: number): boolean => {
    if (ids.length >= spec.maxLength) return false;
    ids.push(id(gram));
    from.push(word);
    return true;
  };
  for (let w = 0; w < words.length; w++) {
    const word = words[w]!;
    if (!push(`w ${word}`, w)) return { ids, words: from, truncated: true };
    for (let n = 2; n <= spec.wordNgrams && n <= w + 1; n++) {
      if (!push(`${n} ${words.slice(w - n + 1, w + 1).join(' ')}`, w)) return { ids, words: from, truncated: true };
    }
    const c = spec.charNgrams;
    if (!c) continue;
    const marked = Array.from(`<${word}>`);
    // A one-character word has no n-gram that its word id does not already say.
    if (marked.length <= 3) continue;
    for (let n = c.min; n <= c.max; n++) {
      for (let i = 0; i + n <= marked.length; i++) {
        if (!push(`c ${marked.slice(i, i + n).join('')}`, w)) return { ids, words: from, truncated: true };
      }
    }
  }
  return { ids, words: from, truncated: false };
}

export function hashedNgramTokenizer(spec: HashedNgramSpec): TextTokenizer {
  const row = (text: string): EncodedRow => {
    const { ids, words, truncated } = hashedNgramIds(spec, text);
    // An empty text still needs one real position for the model's mean: the padding row (zeros).
    if (ids.length === 0) return { ids: [0], typeIds: [0], offsets: [[0, 0]], wordIds: [null], truncated: false };
    return { ids, typeIds: ids.map(() => 0), offsets: ids.map((): [number, number] => [0, 0]), wordIds: words, truncated };
  };
  return {
    maxLength: spec.maxLength,
    vocabSize: spec.buckets,
    truncation: 'right',
    padId: 0,
    encode: (texts) => {
      const rows = texts.map(row);
      // Rows pad to the longest text of the batch: the model masks padding, so short texts cost little.
      return stackRows(rows, { length: Math.max(1, ...rows.map((r) => r.ids.length)), padId: 0, side: 'right' });
    },
  };
}
