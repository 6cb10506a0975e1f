// A Hugging Face `tokenizer.json` behind the TextTokenizer interface, on @huggingface/tokenizers (pure JS,
// web-standard APIs only, so it runs in workerd; docs/tokenizers.md says why this library). The library's
// encode() returns ids only, so this file drives its normaliser, pre-tokeniser, model and post-processor itself,
// in the library's own order, keeping for every token the word it came from; offsets are then found through
// NormalizedAlignment. Texts are truncated (the spec's side) before the special tokens are added, as
// Python's `tokenizers` does, and rows are padded to the longest text of the batch.
import { Tokenizer } from '@huggingface/tokenizers';
import { PareError } from '@pare/errors';
import type { HuggingFaceTokenizerSpec } from '../manifest';
import { sha256Hex } from '../bytes/sha256Hex';
import { leadingTokens } from './leadingPrefix';
import { NormalizedAlignment } from './normalizedAlignment';
import { stackRows, type EncodedRow } from './stackRows';
import type { EncodedBatch, EncodeOptions, TextTokenizer } from './textTokenizer';
import { forLibrary } from './libraryQuirks';
import { unigramEncoder } from './unigramEncode';
import { useBpeMergeRanks } from './bpeMergeRanks';
import { speedUpPreTokenizer } from './fastPreTokenizers';
import { useExactPrecompiled } from './precompiledCharsmap';
import { characterNormalizer } from './characterNormalizer';
import { parseTokenizerJson, type AddedTokenJson, type TokenizerJson } from './tokenizerJson';
import { wordSurface, type WordSurface } from './wordSurface';

/** A content token before the special tokens: its string, word index and source offsets. */
interface Piece {
  token: string;
  word: number;
  offset: [number, number];
}

/** Distinct characters whose normalisation is remembered (bounds memory on adversarial texts). */
const MEMO_LIMIT = 20_000;
/** Distinct words whose segmentation is remembered. */
const WORD_LIMIT = 50_000;

const NO_SPAN: [number, number] = [0, 0];

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Splits text on added tokens, longest first (as the library's DictionarySplitter does). */
function addedSplitter(tokens: readonly AddedTokenJson[]): RegExp | undefined {
  if (tokens.length === 0) return undefined;
  const sorted = [...tokens].sort((a, b) => b.content.length - a.content.length);
  return new RegExp(`(${sorted.map((t) => escapeRegExp(t.content)).join('|')})`, 'u');
}

export class HuggingFaceTokenizer implements TextTokenizer {
  readonly maxLength: number;
  readonly vocabSize: number;
  readonly truncation: 'right' | 'left';
  private readonly tk: Tokenizer;
  private readonly added = new Map<string, AddedTokenJson>();
  private readonly rawSplit: RegExp | undefined;
  private readonly normalizedSplit: RegExp | undefined;
  private readonly surface: WordSurface;
  private readonly unk: string | undefined;
  /** Special tokens the post-processor puts before and after one text. */
  private readonly prefix: number;
  private readonly suffix: number;
  readonly padId: number;
  private readonly padSide: 'right' | 'left';
  private readonly cleanUpSpaces: boolean;
  private readonly modelEncode: (word: string) => string[];
  /** Per-character normalisation for offsets, memoised: texts repeat the same few characters. */
  private readonly normalizeChar: (char: string) => string;

  constructor(json: TokenizerJson, spec: HuggingFaceTokenizerSpec) {
    this.tk = new Tokenizer(forLibrary(json), {});
    useExactPrecompiled(this.tk.normalizer);
    this.maxLength = spec.maxLength;
    this.truncation = spec.truncation;
    const model = this.tk.model!;
    this.unk = model.unk_token;
    const raw: AddedTokenJson[] = [];
    const normalized: AddedTokenJson[] = [];
    for (const t of json.added_tokens) {
      this.added.set(t.content, t);
      if (t.normalized && this.tk.normalizer) {
        const n = this.tk.normalizer(t.content);
        this.added.set(n, t);
        normalized.push({ ...t, content: n });
      } else raw.push(t);
    }
    this.rawSplit = addedSplitter(raw);
    this.normalizedSplit = addedSplitter(normalized);
    this.vocabSize = Math.max(model.vocab.length, ...json.added_tokens.map((t) => t.id + 1));
    this.surface = wordSurface(json);
    // The model's segmentation of a word never changes, and words repeat: remember it, as Python's BPE cache does.
    useBpeMergeRanks(model);
    speedUpPreTokenizer(this.tk.pre_tokenizer);
    const segment = unigramEncoder(model) ?? ((word: string) => model([word]));
    const words = new Map<string, string[]>();
    this.modelEncode = (word) => {
      let tokens = words.get(word);
      if (tokens === undefined) {
        tokens = segment(word);
        if (words.size < WORD_LIMIT) words.set(word, tokens);
      }
      return tokens;
    };
    const normalizer = characterNormalizer(this.tk.normalizer);
    const memo = new Map<string, string>();
    this.normalizeChar = (c) => {
      let n = memo.get(c);
      if (n === undefined) {
        n = normalizer(c);
        if (memo.size < MEMO_LIMIT) memo.set(c, n);
      }
      return n;
    };
    const sentinel = '\u0000pare-sentinel';
    const probe = this.postProcess([sentinel]).tokens;
    this.prefix = probe.indexOf(sentinel);
    this.suffix = probe.length - this.prefix - 1;
    if (this.maxLength <= this.prefix + this.suffix) {
      throw new PareError('tokenizer_invalid', `maxLength ${this.maxLength} leaves no room for text beside ${this.prefix + this.suffix} special tokens.`, { details: { field: 'preprocess.tokenizer.maxLength' } });
    }
    const padToken = spec.padToken ?? json.padding?.pad_token;
    this.padId = (padToken === undefined ? undefined : this.tk.token_to_id(padToken)) ?? json.padding?.pad_id ?? 0;
    this.padSide = spec.padding ?? (json.padding?.direction === 'Left' ? 'left' : 'right');
    this.cleanUpSpaces = spec.cleanUpSpaces ?? false;
  }

  encode(texts: readonly string[], options?: EncodeOptions): EncodedBatch {
    const withOffsets = options?.offsets ?? true;
    const rows = texts.map((t) => this.row(t, withOffsets));
    return stackRows(rows, { length: Math.max(1, ...rows.map((r) => r.ids.length)), padId: this.padId, side: this.padSide });
  }

  decode(ids: readonly number[], options?: { skipSpecialTokens?: boolean }): string {
    return ids.length === 0 ? '' : this.tk.decode([...ids], { skip_special_tokens: options?.skipSpecialTokens ?? true, clean_up_tokenization_spaces: this.cleanUpSpaces });
  }

  private postProcess(tokens: string[]): { tokens: string[]; typeIds: number[] } {
    if (!this.tk.post_processor) return { tokens, typeIds: tokens.map(() => 0) };
    const out = this.tk.post_processor(tokens, null, true);
    return { tokens: out.tokens, typeIds: out.token_type_ids ?? out.tokens.map(() => 0) };
  }

  private row(text: string, withOffsets: boolean): EncodedRow {
    const room = this.maxLength - this.prefix - this.suffix;
    // Cutting the end needs only the first room + 1 tokens; cutting the start needs them all.
    const pieces = this.truncation === 'right'
      ? leadingTokens(text, room + 1, (prefix, limit) => this.pieces(prefix, limit, withOffsets)).tokens
      : this.pieces(text, Number.POSITIVE_INFINITY, withOffsets);
    const truncated = pieces.length > room;
    const kept = !truncated ? pieces : this.truncation === 'right' ? pieces.slice(0, room) : pieces.slice(pieces.length - room);
    const { tokens, typeIds } = this.postProcess(kept.map((p) => p.token));
    const specials = (n: number) => Array.from({ length: n }, (): [number, number] => [0, 0]);
    return {
      ids: tokens.map((t) => this.tk.token_to_id(t) ?? this.tk.model!.unk_token_id ?? 0),
      typeIds,
      offsets: [...specials(this.prefix), ...kept.map((p) => p.offset), ...specials(this.suffix)],
      wordIds: [...new Array<null>(this.prefix).fill(null), ...kept.map((p) => p.word), ...new Array<null>(this.suffix).fill(null)],
      truncated,
    };
  }

  /** The library's encode_text, step by step, keeping each token's word and offsets; stops after `limit` tokens.
   * Without offsets the alignment to the text (a good part of the time) is skipped and every span is [0, 0]. */
  private pieces(text: string, limit: number, withOffsets: boolean): Piece[] {
    const align = withOffsets ? new NormalizedAlignment(text, this.normalizeChar) : undefined;
    const normalize = (s: string) => (this.tk.normalizer ? this.tk.normalizer(s) : s);
    const out: Piece[] = [];
    let word = 0;
    const addedPiece = (t: AddedTokenJson) => {
      if (!align) { out.push({ token: t.content, word: word++, offset: NO_SPAN }); return; }
      const at = align.find(this.normalizeChar(t.content));
      out.push({ token: t.content, word: word++, offset: at ? align.original(at[0], at[1]) : align.here() });
    };
    const sections = this.split(text, this.rawSplit);
    sections: for (const [sectionIndex, section] of sections.entries()) {
      if (section.length === 0) continue;
      const added = this.rawSplit ? this.added.get(section) : undefined;
      if (added) { addedPiece(added); continue; }
      for (const sub of this.split(normalize(section), this.normalizedSplit)) {
        if (out.length >= limit) break sections;
        if (sub.length === 0) continue;
        const addedNormalized = this.normalizedSplit ? this.added.get(sub) : undefined;
        if (addedNormalized) { addedPiece(addedNormalized); continue; }
        const words = this.tk.pre_tokenizer ? this.tk.pre_tokenizer(sub, { section_index: sectionIndex }) : [sub];
        for (const w of words) {
          if (out.length >= limit) break sections;
          const tokens = this.modelEncode(w);
          if (align) {
            const spans = this.surface.locate(w, tokens, this.unk, align);
            tokens.forEach((token, i) => out.push({ token, word, offset: spans[i]! }));
          } else for (const token of tokens) out.push({ token, word, offset: NO_SPAN });
          word++;
        }
      }
    }
    return out;
  }

  /** Split on added tokens and strip around those that ask for it (lstrip/rstrip). */
  private split(text: string, splitter: RegExp | undefined): string[] {
    if (!splitter) return [text];
    const parts = text.split(splitter);
    parts.forEach((part, i) => {
      const t = i % 2 === 1 ? this.added.get(part) : undefined;
      if (!t) return;
      if (t.lstrip && i > 0) parts[i - 1] = parts[i - 1]!.trimEnd();
      if (t.rstrip && i < parts.length - 1) parts[i + 1] = parts[i + 1]!.trimStart();
    });
    return parts;
  }
}

/** Check tokenizer.json against the manifest's sha256, then load it. */
export async function loadHuggingFaceTokenizer(bytes: Uint8Array, spec: HuggingFaceTokenizerSpec): Promise<HuggingFaceTokenizer> {
  const sha256 = await sha256Hex(bytes);
  if (sha256 !== spec.sha256) {
    throw new PareError('sha256_mismatch', `tokenizer.json has sha256 ${sha256}, but the manifest says ${spec.sha256}.`, { details: { field: 'preprocess.tokenizer.sha256' } });
  }
  return new HuggingFaceTokenizer(parseTokenizerJson(bytes), spec);
}
