// Pare's own WordPiece (../tokenizer.ts, vocabulary inside the manifest) behind the TextTokenizer interface.
// Ids, mask and padding are exactly encodeBatch's (fixed rows of maxLength, cls first, no end token), so
// variants made before this interface existed see the same tensors; offsets and word ids come on top.
import type { TokenizerSpec } from '../manifest';
import { specialIds, tokenizeWords } from '../tokenizer';
import { leadingTokens } from './leadingPrefix';
import { NormalizedAlignment } from './normalizedAlignment';
import { stackRows, type EncodedRow } from './stackRows';
import type { TextTokenizer } from './textTokenizer';

export function pareTextTokenizer(spec: TokenizerSpec): TextTokenizer {
  const normalizeChar = (c: string) => (spec.lowercase ? c.normalize('NFKC').toLowerCase() : c.normalize('NFKC'));
  const { pad, cls } = specialIds(spec);
  const room = spec.maxLength - (cls === undefined ? 0 : 1);

  const row = (text: string, withOffsets: boolean): EncodedRow => {
    let normalized = '';
    const { prefix, tokens } = leadingTokens(text, room + 1, (part, limit) => {
      const words = tokenizeWords(spec, part, limit);
      normalized = words.normalized;
      return words.tokens;
    });
    const kept = tokens.slice(0, room);
    const align = withOffsets ? new NormalizedAlignment(prefix, normalizeChar) : undefined;
    const offsets = kept.map((t): [number, number] => {
      if (!align) return [0, 0];
      // Locate each token's normalised surface; whole-text NFKC can differ from per-character NFKC.
      const at = align.find(normalized.slice(t.start, t.end));
      return at ? align.original(at[0], at[1]) : align.here();
    });
    const ids = kept.map((t) => t.id);
    const wordIds: Array<number | null> = kept.map((t) => t.word);
    if (cls !== undefined) {
      ids.unshift(cls);
      offsets.unshift([0, 0]);
      wordIds.unshift(null);
    }
    return { ids, typeIds: ids.map(() => 0), offsets, wordIds, truncated: tokens.length > room };
  };

  return {
    maxLength: spec.maxLength,
    vocabSize: spec.vocab.length,
    truncation: 'right',
    padId: pad,
    encode: (texts, options) => stackRows(texts.map((t) => row(t, options?.offsets ?? true)), { length: spec.maxLength, padId: pad, side: 'right' }),
    decode: (ids, options) => decodeWordPiece(spec, ids, options?.skipSpecialTokens ?? true),
  };
}

function decodeWordPiece(spec: TokenizerSpec, ids: readonly number[], skipSpecial: boolean): string {
  const special = new Set([spec.padToken, spec.clsToken, spec.unkToken].filter((t) => t !== undefined));
  let out = '';
  for (const id of ids) {
    const piece = spec.vocab[id];
    if (piece === undefined || (skipSpecial && special.has(piece) && piece !== spec.unkToken)) continue;
    if (piece.startsWith(spec.continuingPrefix)) out += piece.slice(spec.continuingPrefix.length);
    else out += (out ? ' ' : '') + piece;
  }
  return out;
}
