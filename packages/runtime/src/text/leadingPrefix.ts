// A right-truncated row needs only the first tokens of a text, but normalising and pre-tokenising run over the whole
// text first: a 50,000-character email cost 6-30 times a 128-token one. So a long text is tokenized from a prefix
// that ends just before an ASCII whitespace character (no word, surrogate pair or composing sequence spans it), grown
// until it yields the tokens needed and a margin beyond them; a cut then changes nothing that is kept. A text
// without such whitespace near the cut is tokenized whole (test/hf/longTexts.test.ts compares with whole texts).

/** Tokens past those needed that the prefix must also yield: whatever a cut can change lies beyond them. */
export const PREFIX_MARGIN = 16;
/** How far past the wanted size the cut may move to find whitespace. */
const CUT_SEARCH = 4096;

const isAsciiWhitespace = (code: number) => code === 0x20 || (code >= 0x09 && code <= 0x0d);

/** The first ASCII whitespace at or after `at` (within CUT_SEARCH), the end of a prefix; undefined if none. */
function cutBefore(text: string, at: number): number | undefined {
  const stop = Math.min(text.length, at + CUT_SEARCH);
  for (let i = at; i < stop; i++) if (isAsciiWhitespace(text.charCodeAt(i))) return i;
  return undefined;
}

/**
 * The first `needed` tokens of `text` (fewer if it has fewer), and the prefix they were read from (offsets into it
 * are offsets into the text). `tokensOf(prefix, limit)` tokenizes a prefix, stopping after `limit` tokens.
 */
export function leadingTokens<T>(text: string, needed: number, tokensOf: (prefix: string, limit: number) => T[]): { prefix: string; tokens: T[] } {
  for (let size = Math.max(1024, needed * 8); size < text.length; size *= 4) {
    const end = cutBefore(text, size);
    if (end === undefined) break;
    const prefix = text.slice(0, end);
    const tokens = tokensOf(prefix, needed + PREFIX_MARGIN);
    if (tokens.length >= needed + PREFIX_MARGIN) return { prefix, tokens: tokens.slice(0, needed) };
  }
  return { prefix: text, tokens: tokensOf(text, needed) };
}
