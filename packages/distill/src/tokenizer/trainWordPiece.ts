import { preTokenize, type TokenizerSpec } from '@pare/runtime';

// Vocabulary training for the WordPiece tokenizer whose inference side is packages/runtime/src/tokenizer.ts.
// Like Hugging Face's WordPiece trainer it grows the vocabulary by BPE merges over word counts (continuation
// pieces carry "##"); segmentation at inference is WordPiece's greedy longest match, which can use every piece.
// Pair counts are kept incrementally (only the words holding the merged pair are recounted) so a few thousand
// merges over the corpus take seconds, not minutes.

export interface WordPieceTrainOptions {
  vocabSize: number;
  maxLength: number;
  /** Words seen fewer times are ignored (they would only spend merges on noise). */
  minWordFrequency?: number;
  /** Characters seen fewer times stay out of the alphabet and encode as [UNK]. */
  minCharFrequency?: number;
  /** Only the start of each text is read: the model never sees past maxLength tokens anyway. */
  charsPerText?: number;
  lowercase?: boolean;
}

const SPECIAL_TOKENS = { pad: '[PAD]', unk: '[UNK]', cls: '[CLS]' } as const;
const PREFIX = '##';

export function trainWordPiece(texts: Iterable<string>, options: WordPieceTrainOptions): TokenizerSpec {
  const lowercase = options.lowercase ?? true;
  const charsPerText = options.charsPerText ?? 3000;
  const wordCounts = new Map<string, number>();
  for (const text of texts) {
    for (const w of preTokenize(text.slice(0, charsPerText), lowercase)) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
  }
  const charCounts = new Map<string, number>();
  for (const [w, c] of wordCounts) for (const ch of w) charCounts.set(ch, (charCounts.get(ch) ?? 0) + c);
  const alphabet = new Set([...charCounts].filter(([, c]) => c >= (options.minCharFrequency ?? 5)).map(([ch]) => ch));

  const vocab: string[] = [SPECIAL_TOKENS.pad, SPECIAL_TOKENS.unk, SPECIAL_TOKENS.cls];
  const inVocab = new Set(vocab);
  const add = (piece: string) => { if (!inVocab.has(piece)) { inVocab.add(piece); vocab.push(piece); } };

  // Words as symbol sequences; words with characters outside the alphabet become [UNK] at inference anyway.
  const words: string[][] = [];
  const freqs: number[] = [];
  for (const [w, c] of [...wordCounts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
    if (c < (options.minWordFrequency ?? 2)) continue;
    const chars = Array.from(w);
    if (chars.length > 100 || !chars.every((ch) => alphabet.has(ch))) continue;
    const symbols = chars.map((ch, i) => (i === 0 ? ch : PREFIX + ch));
    symbols.forEach(add);
    words.push(symbols);
    freqs.push(c);
  }
  // Single characters first: every word in the alphabet can then be segmented.
  for (const ch of [...alphabet].sort()) { add(ch); add(PREFIX + ch); }

  const pairCounts = new Map<string, number>();
  const pairWords = new Map<string, Set<number>>();
  const countWord = (wi: number, sign: 1 | -1) => {
    const s = words[wi]!;
    for (let i = 0; i + 1 < s.length; i++) {
      const key = `${s[i]} ${s[i + 1]}`;
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + sign * freqs[wi]!);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(wi);
      }
    }
  };
  words.forEach((_, wi) => countWord(wi, 1));

  while (vocab.length < options.vocabSize) {
    let best = '';
    let bestCount = 0;
    for (const [key, c] of pairCounts) if (c > bestCount || (c === bestCount && c > 0 && key < best)) { best = key; bestCount = c; }
    if (bestCount <= 0) break;
    const [a, b] = best.split(' ') as [string, string];
    const merged = a + b.slice(PREFIX.length);
    add(merged);
    for (const wi of pairWords.get(best) ?? []) {
      countWord(wi, -1);
      const s = words[wi]!;
      const next: string[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) { next.push(merged); i++; } else next.push(s[i]!);
      }
      words[wi] = next;
      countWord(wi, 1);
    }
    pairCounts.delete(best);
    pairWords.delete(best);
  }

  return {
    kind: 'wordpiece', vocab, lowercase, maxLength: options.maxLength,
    unkToken: SPECIAL_TOKENS.unk, padToken: SPECIAL_TOKENS.pad, clsToken: SPECIAL_TOKENS.cls, continuingPrefix: PREFIX,
  };
}
