import { PareError } from '@pare/errors';
import type { TokenizerSpec } from './manifest';

// The inference side of Pare's subword tokenizer. Training (packages/distill) encodes its data with this very
// function, so the edge produces the same ids for the same text by construction; the vocabulary travels in the
// manifest's `preprocess.tokenizer`. Web-standard code only: it runs inside a Cloudflare Worker.
//
// Steps (WordPiece, as BERT does it):
//   1. normalise: NFKC, then lower-case when `spec.lowercase`;
//   2. pre-tokenise: runs of letters/digits are words, every other non-space character is a word of its own;
//   3. each word: greedy longest-match-first against the vocabulary, continuation pieces carry
//      `spec.continuingPrefix`; a word with no full segmentation (or longer than MAX_WORD_CHARS) becomes unk;
//   4. prepend `spec.clsToken` when set, truncate to `spec.maxLength`, pad with `spec.padToken` to maxLength.

/** Words longer than this become the unknown token (BERT uses 100 too): it bounds the per-word work. */
const MAX_WORD_CHARS = 100;

const WORD = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

export interface EncodedText {
  /** Token ids, exactly `spec.maxLength` long. */
  ids: Int32Array;
  /** 1 for real tokens, 0 for padding. */
  attentionMask: Int32Array;
  /** How many tokens are real (the rest is padding). */
  length: number;
}

interface CompiledVocab {
  index: Map<string, number>;
  unk: number;
  pad: number;
  cls: number | undefined;
}

const compiled = new WeakMap<TokenizerSpec, CompiledVocab>();

function compile(spec: TokenizerSpec): CompiledVocab {
  let c = compiled.get(spec);
  if (c) return c;
  if (spec.kind !== 'wordpiece') {
    throw new PareError('tokenizer_unsupported', `Tokenizer kind "${spec.kind}" is not supported by this runtime; use "wordpiece".`);
  }
  const index = new Map<string, number>();
  spec.vocab.forEach((piece, i) => { if (!index.has(piece)) index.set(piece, i); });
  const need = (token: string, field: string): number => {
    const id = index.get(token);
    if (id === undefined) throw new PareError('tokenizer_invalid', `Tokenizer ${field} "${token}" is not in the vocabulary.`);
    return id;
  };
  c = {
    index,
    unk: need(spec.unkToken, 'unkToken'),
    pad: need(spec.padToken, 'padToken'),
    cls: spec.clsToken === undefined ? undefined : need(spec.clsToken, 'clsToken'),
  };
  compiled.set(spec, c);
  return c;
}

/** Ids of the special tokens the manifest names (cls is undefined when the spec has none). */
export function specialIds(spec: TokenizerSpec): { unk: number; pad: number; cls: number | undefined } {
  const { unk, pad, cls } = compile(spec);
  return { unk, pad, cls };
}

/** Normalise and split text into words (steps 1-2); exported so vocabulary training sees the same words. */
export function preTokenize(text: string, lowercase: boolean): string[] {
  let t = text.normalize('NFKC');
  if (lowercase) t = t.toLowerCase();
  return t.match(WORD) ?? [];
}

/** One token of a word: its id and its [start, end) in UTF-16 units inside the word. */
interface Piece { id: number; start: number; end: number }

/** WordPiece segmentation of one word (step 3); an unknown word is one unk piece spanning it. */
function encodeWord(word: string, spec: TokenizerSpec, vocab: CompiledVocab): Piece[] {
  const chars = Array.from(word);
  if (chars.length > MAX_WORD_CHARS) return [{ id: vocab.unk, start: 0, end: word.length }];
  const pieces: Piece[] = [];
  let start = 0;
  let unit = 0;
  while (start < chars.length) {
    let end = chars.length;
    let found = -1;
    while (start < end) {
      const sub = (start > 0 ? spec.continuingPrefix : '') + chars.slice(start, end).join('');
      const id = vocab.index.get(sub);
      if (id !== undefined) { found = id; break; }
      end--;
    }
    if (found < 0) return [{ id: vocab.unk, start: 0, end: word.length }];
    const width = chars.slice(start, end).join('').length;
    pieces.push({ id: found, start: unit, end: unit + width });
    unit += width;
    start = end;
  }
  return pieces;
}

/** A token with the word it came from: the word's index and the token's [start, end) in the normalised text. */
export interface WordToken { id: number; word: number; start: number; end: number }

/** Tokens with their words (steps 1-3), at most `limit`; `normalized` is the text the spans index into. */
export function tokenizeWords(spec: TokenizerSpec, text: string, limit = Number.POSITIVE_INFINITY): { tokens: WordToken[]; normalized: string } {
  const vocab = compile(spec);
  const tokens: WordToken[] = [];
  let t = text.normalize('NFKC');
  if (spec.lowercase) t = t.toLowerCase();
  let word = 0;
  for (const m of t.matchAll(WORD)) {
    if (tokens.length >= limit) break;
    for (const p of encodeWord(m[0], spec, vocab)) {
      if (tokens.length >= limit) break;
      tokens.push({ id: p.id, word, start: m.index + p.start, end: m.index + p.end });
    }
    word++;
  }
  return { tokens, normalized: t };
}

/** Token ids without special tokens or padding, at most `limit` of them (the edge stops reading text early). */
export function tokenize(spec: TokenizerSpec, text: string, limit = Number.POSITIVE_INFINITY): number[] {
  return tokenizeWords(spec, text, limit).tokens.map((t) => t.id);
}

/** Text → fixed-length ids and attention mask, exactly as the model was trained. */
export function encodeText(spec: TokenizerSpec, text: string): EncodedText {
  const vocab = compile(spec);
  const ids = new Int32Array(spec.maxLength).fill(vocab.pad);
  const attentionMask = new Int32Array(spec.maxLength);
  let n = 0;
  if (vocab.cls !== undefined) ids[n++] = vocab.cls;
  for (const id of tokenize(spec, text, spec.maxLength - n)) ids[n++] = id;
  attentionMask.fill(1, 0, n);
  return { ids, attentionMask, length: n };
}

/** A batch of texts as int64 tensors data ([texts.length, maxLength], row-major), the dtype the models take. */
export function encodeBatch(spec: TokenizerSpec, texts: readonly string[]): { ids: BigInt64Array; attentionMask: BigInt64Array; dims: [number, number] } {
  const L = spec.maxLength;
  const ids = new BigInt64Array(texts.length * L);
  const attentionMask = new BigInt64Array(texts.length * L);
  texts.forEach((text, row) => {
    const e = encodeText(spec, text);
    for (let j = 0; j < L; j++) { ids[row * L + j] = BigInt(e.ids[j]!); attentionMask[row * L + j] = BigInt(e.attentionMask[j]!); }
  });
  return { ids, attentionMask, dims: [texts.length, L] };
}
