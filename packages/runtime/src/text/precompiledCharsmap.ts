// SentencePiece's `Precompiled` normaliser (XLM-R, ALBERT, T5, DeBERTa-v2, mBART tokenizers): the
// `precompiled_charsmap` is a double-array trie over UTF-8 bytes whose values index a blob of NUL-ended
// replacement strings. @huggingface/tokenizers 0.2.0 ignores the map and approximates it with NFKC and a fixed
// set of replacements, which turns U+200D (the emoji joiner) and friends into spaces where Python's `tokenizers`
// keeps them; this reads the map itself and applies it as Python does: per grapheme cluster when the cluster is
// under 6 UTF-8 bytes (the first trie match replaces the whole cluster), otherwise per character.
import { PareError } from '@pare/errors';

/** Distinct graphemes whose replacement is remembered (bounds memory on adversarial texts). */
const MEMO_LIMIT = 20_000;

export interface PrecompiledCharsmap {
  /** The darts-clone double array, one 32-bit unit per node. */
  units: Uint32Array;
  /** NUL-separated UTF-8 replacement strings. */
  blob: Uint8Array;
}

function base64Bytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Parse `precompiled_charsmap` (base64): a little-endian u32 byte length of the trie, the trie, the blob. */
export function parsePrecompiledCharsmap(b64: string): PrecompiledCharsmap {
  let bytes: Uint8Array;
  try {
    bytes = base64Bytes(b64);
  } catch (cause) {
    throw new PareError('tokenizer_invalid', 'precompiled_charsmap is not valid base64.', { cause, details: { field: 'normalizer.precompiled_charsmap' } });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const trieBytes = bytes.length >= 4 ? view.getUint32(0, true) : -1;
  if (trieBytes < 4 || trieBytes % 4 !== 0 || 4 + trieBytes > bytes.length) {
    throw new PareError('tokenizer_invalid', 'precompiled_charsmap has a malformed trie header.', { details: { field: 'normalizer.precompiled_charsmap' } });
  }
  const units = new Uint32Array(trieBytes / 4);
  for (let i = 0; i < units.length; i++) units[i] = view.getUint32(4 + i * 4, true);
  return { units, blob: bytes.subarray(4 + trieBytes) };
}

// Unit fields of darts-clone's double array.
const hasLeaf = (u: number) => ((u >>> 8) & 1) === 1;
const valueOf = (u: number) => u & 0x7fffffff;
const labelOf = (u: number) => (u & 0x800000ff) >>> 0;
const offsetOf = (u: number) => (u >>> 10) << ((u & (1 << 9)) >>> 6);

/** The value of the shortest key that is a prefix of `key`, or -1. */
function firstPrefixValue(units: Uint32Array, key: Uint8Array): number {
  if (units.length === 0) return -1;
  let pos = offsetOf(units[0]!);
  for (const c of key) {
    if (c === 0) break;
    pos ^= c;
    const unit = units[pos];
    if (unit === undefined || labelOf(unit) !== c) return -1;
    pos ^= offsetOf(unit);
    if (hasLeaf(unit)) return valueOf(units[pos] ?? 0);
  }
  return -1;
}

/** A normaliser function applying the charsmap exactly as Python's `tokenizers` does. */
export function precompiledNormalizer(map: PrecompiledCharsmap): (text: string) => string {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const replacement = (key: string): string | undefined => {
    const at = firstPrefixValue(map.units, encoder.encode(key));
    if (at < 0 || at > map.blob.length) return undefined;
    let end = at;
    while (end < map.blob.length && map.blob[end] !== 0) end++;
    return decoder.decode(map.blob.subarray(at, end));
  };
  const memo = new Map<string, string>();
  const graphemeOf = (g: string): string => {
    let out = memo.get(g);
    if (out !== undefined) return out;
    const whole = encoder.encode(g).length < 6 ? replacement(g) : undefined;
    if (whole !== undefined) out = whole;
    else {
      out = '';
      for (const ch of g) out += replacement(ch) ?? ch;
    }
    if (memo.size < MEMO_LIMIT) memo.set(g, out);
    return out;
  };
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  // Between two ASCII characters there is always a grapheme boundary, except inside CR LF: such characters are
  // looked up alone without segmenting, which is most of an English text; the rest goes through Intl.Segmenter.
  const ascii = Array.from({ length: 128 }, (_, c) => graphemeOf(String.fromCharCode(c)));
  const isAscii = (text: string, i: number) => i < 0 || i >= text.length || text.charCodeAt(i) < 0x80;
  const alone = (text: string, i: number) => {
    const c = text.charCodeAt(i);
    return c < 0x80 && isAscii(text, i - 1) && isAscii(text, i + 1) && !(c === 13 && text.charCodeAt(i + 1) === 10) && !(c === 10 && text.charCodeAt(i - 1) === 13);
  };
  return (text) => {
    let out = '';
    let i = 0;
    while (i < text.length) {
      if (alone(text, i)) { out += ascii[text.charCodeAt(i)]!; i++; continue; }
      let j = i + 1;
      while (j < text.length && !alone(text, j)) j++;
      for (const { segment } of segmenter.segment(text.slice(i, j))) out += graphemeOf(segment);
      i = j;
    }
    return out;
  };
}

/** What a normaliser node of the library holds (runtime fields, checked before use). */
interface NormalizerNode {
  normalize(text: string): string;
  config?: { type?: unknown; precompiled_charsmap?: unknown };
  normalizers?: unknown[];
}

const isNode = (x: unknown): x is NormalizerNode => typeof (x as NormalizerNode | null)?.normalize === 'function';

/** Give every Precompiled node of the library's normaliser tree the exact charsmap behaviour. */
export function useExactPrecompiled(node: unknown): void {
  if (!isNode(node)) return;
  for (const child of node.normalizers ?? []) useExactPrecompiled(child);
  const charsmap = node.config?.type === 'Precompiled' ? node.config.precompiled_charsmap : undefined;
  if (typeof charsmap === 'string' && charsmap.length > 0) node.normalize = precompiledNormalizer(parsePrecompiledCharsmap(charsmap));
}
