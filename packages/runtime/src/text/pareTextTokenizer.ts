// Pare's own tokenizer kinds (the manifest's `preprocess.tokenizer` with its vocabulary, ../tokenizer.ts) behind
// the TextTokenizer interface, so every task serves them exactly as it serves a Hugging Face `tokenizer.json`.
import type { TokenizerSpec } from '../manifest';
import { normalizeText, specialIds, tokenizeWithOffsets } from '../tokenizer';
import type { EncodedBatch, TextTokenizer } from './textTokenizer';

/**
 * Offsets into the normalised text → offsets into the original: each code point is normalised on its own and
 * the lengths are summed. Where that does not reproduce the whole-text normalisation (rare combining
 * sequences), the offsets stay those of the normalised text.
 */
function originalOffsets(spec: TokenizerSpec, text: string): ((at: number) => number) | null {
  const normalized = normalizeText(spec, text);
  if (normalized === text) return (at) => at;
  const starts: number[] = [];
  let rebuilt = '';
  let original = 0;
  for (const ch of text) {
    const piece = normalizeText(spec, ch);
    for (let i = 0; i < piece.length; i++) starts.push(original);
    rebuilt += piece;
    original += ch.length;
  }
  if (rebuilt !== normalized) return null;
  starts.push(text.length);
  return (at) => starts[at] ?? text.length;
}

const cache = new WeakMap<TokenizerSpec, TextTokenizer>();

export function pareTextTokenizer(spec: TokenizerSpec): TextTokenizer {
  const cached = cache.get(spec);
  if (cached) return cached;
  const { pad, cls } = specialIds(spec);
  const room = spec.maxLength - (cls === undefined ? 0 : 1);
  const tokenizer: TextTokenizer = {
    maxLength: spec.maxLength,
    vocabSize: spec.vocab.length,
    truncation: 'right',
    padId: pad,
    encode(texts: readonly string[]): EncodedBatch {
      const rows = texts.map((text) => {
        // One id past the room tells whether the text was cut.
        const t = tokenizeWithOffsets(spec, text, room + 1);
        const truncated = t.ids.length > room;
        const map = originalOffsets(spec, text) ?? ((at: number) => at);
        const ids = t.ids.slice(0, room);
        const offsets = t.offsets.slice(0, room).map(([s, e]): [number, number] => [map(s), map(e)]);
        const wordIds: Array<number | null> = t.wordIds.slice(0, room);
        if (cls !== undefined) { ids.unshift(cls); offsets.unshift([0, 0]); wordIds.unshift(null); }
        return { ids, offsets, wordIds, truncated };
      });
      const length = Math.max(1, ...rows.map((r) => r.ids.length));
      const ids = new BigInt64Array(texts.length * length).fill(BigInt(pad));
      const attentionMask = new BigInt64Array(texts.length * length);
      rows.forEach((r, row) => {
        r.ids.forEach((id, j) => { ids[row * length + j] = BigInt(id); attentionMask[row * length + j] = 1n; });
        while (r.offsets.length < length) { r.offsets.push([0, 0]); r.wordIds.push(null); }
      });
      return {
        ids,
        attentionMask,
        typeIds: new BigInt64Array(texts.length * length),
        dims: [texts.length, length],
        offsets: rows.map((r) => r.offsets),
        wordIds: rows.map((r) => r.wordIds),
        truncated: rows.map((r) => r.truncated),
      };
    },
  };
  cache.set(spec, tokenizer);
  return tokenizer;
}
