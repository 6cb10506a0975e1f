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

/** Normalise and split text into words (steps 1-2); exported so vocabulary training sees the same words. */
export function preTokenize(text: string, lowercase: boolean): string[] {
  return normalizeText({ lowercase }, text).match(WORD) ?? [];
}

/** Ids with where each came from: [start, end) UTF-16 offsets into the normalised text and the word's index. */
export interface TokenizedText {
  ids: number[];
  offsets: Array<[number, number]>;
  wordIds: number[];
}

/** WordPiece segmentation of one word (step 3) found at `at` in the normalised text; stops at `limit` ids. */
function encodeWord(word: string, at: number, wordId: number, spec: TokenizerSpec, vocab: CompiledVocab, out: TokenizedText, limit: number): void {
  const chars = Array.from(word);
  const push = (id: number, start: number, end: number): void => { out.ids.push(id); out.offsets.push([start, end]); out.wordIds.push(wordId); };
  if (chars.length > MAX_WORD_CHARS) { push(vocab.unk, at, at + word.length); return; }
  const pieces: Array<[number, number, number]> = [];
  let start = 0;
  let offset = at;
  while (start < chars.length) {
    let end = chars.length;
    let found = -1;
    let piece = '';
    while (start < end) {
      piece = chars.slice(start, end).join('');
      const id = vocab.index.get((start > 0 ? spec.continuingPrefix : '') + piece);
      if (id !== undefined) { found = id; break; }
      end--;
    }
    if (found < 0) { push(vocab.unk, at, at + word.length); return; }
    pieces.push([found, offset, offset + piece.length]);
    offset += piece.length;
    start = end;
  }
  for (const [id, s, e] of pieces) { if (out.ids.length >= limit) return; push(id, s, e); }
}

/** The normalised text (step 1) that `tokenizeWithOffsets`'s offsets point into. */
export function normalizeText(spec: Pick<TokenizerSpec, 'lowercase'>, text: string): string {
  const t = text.normalize('NFKC');
  return spec.lowercase ? t.toLowerCase() : t;
}

/** Token ids without special tokens or padding, at most `limit` of them, with their offsets and words. */
export function tokenizeWithOffsets(spec: TokenizerSpec, text: string, limit = Number.POSITIVE_INFINITY): TokenizedText {
  const vocab = compile(spec);
  const out: TokenizedText = { ids: [], offsets: [], wordIds: [] };
  let wordId = 0;
  for (const m of normalizeText(spec, text).matchAll(WORD)) {
    if (out.ids.length >= limit) break;
    encodeWord(m[0], m.index, wordId++, spec, vocab, out, limit);
  }
  return out;
}

/** Token ids without special tokens or padding, at most `limit` of them (the edge stops reading text early). */
export function tokenize(spec: TokenizerSpec, text: string, limit = Number.POSITIVE_INFINITY): number[] {
  return tokenizeWithOffsets(spec, text, limit).ids;
}

/** The ids of the vocabulary's special tokens (padding, and the class token when the spec has one). */
export function specialIds(spec: TokenizerSpec): { pad: number; cls: number | undefined } {
  const { pad, cls } = compile(spec);
  return { pad, cls };
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
