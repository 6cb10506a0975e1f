// Where a pre-tokenised word's tokens lie in the text. A word from the pre-tokeniser is not always a piece of
// the normalised text: byte-level BPE spells UTF-8 bytes as printable characters, Metaspace turns spaces into
// "▁" (and prepends one), WordPiece marks continuations with "##", an unknown piece reads "[UNK]". Each kind
// maps back to the normalised text here, and NormalizedAlignment maps that back to the caller's text.
import type { NormalizedAlignment } from './normalizedAlignment';
import { findComponent, type TokenizerJson } from './tokenizerJson';

export interface WordSurface {
  /** Per token of `word`: [start, end) in the caller's text (UTF-16 units); moves the alignment past the word. */
  locate(word: string, tokens: readonly string[], unk: string | undefined, align: NormalizedAlignment): Array<[number, number]>;
}

/** A word's tokens inside the word, and the map from the word's units to its text's. */
interface Prepared {
  units: Array<[number, number]>;
  text: string;
  toText: (a: number, b: number) => [number, number];
}

/** Distinct words remembered per tokenizer (bounds memory on adversarial texts). */
const PREPARED_LIMIT = 50_000;

/** GPT-2's printable stand-in for each byte, inverted: stand-in character → byte value. */
const BYTE_OF: Map<string, number> = (() => {
  const keep = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const map = new Map<string, number>();
  let extra = 0;
  for (let b = 0; b < 256; b++) map.set(String.fromCharCode(keep(b) ? b : 256 + extra++), b);
  return map;
})();

/** Keeps a leading U+FEFF: it is a character of the text, not a byte-order mark. */
const UTF8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** A byte-level word → its text, and for each byte the [start, end) of its character in that text. */
function decodeBytes(word: string): { text: string; starts: number[]; ends: number[] } {
  const bytes = Uint8Array.from(word, (c) => BYTE_OF.get(c) ?? 0x3f);
  const starts: number[] = [];
  const ends: number[] = [];
  let text = '';
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    const ch = UTF8.decode(bytes.subarray(i, Math.min(i + len, bytes.length)));
    for (let k = 0; k < len && i + k < bytes.length; k++) { starts.push(text.length); ends.push(text.length + ch.length); }
    text += ch;
    i += len;
  }
  return { text, starts, ends };
}

/** Each token's [start, end) inside the word's units; an unknown token spans up to the next known one. */
function tokenUnits(word: string, tokens: readonly string[], unk: string | undefined, prefix: string | undefined): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let pos = 0;
  let pendingUnk = -1;
  tokens.forEach((token, i) => {
    const t = prefix && i > 0 && token.startsWith(prefix) ? token.slice(prefix.length) : token;
    if (t === unk && !word.startsWith(t, pos)) {
      pendingUnk = out.length;
      out.push([pos, pos]);
      return;
    }
    const at = word.startsWith(t, pos) ? pos : word.indexOf(t, pos);
    if (at < 0) { out.push([pos, pos]); return; }
    if (pendingUnk >= 0) { out[pendingUnk]![1] = at; pendingUnk = -1; }
    out.push([at, at + t.length]);
    pos = at + t.length;
  });
  if (pendingUnk >= 0) out[pendingUnk]![1] = word.length;
  return out;
}

export function wordSurface(json: TokenizerJson): WordSurface {
  const byteLevel = findComponent(json.pre_tokenizer, 'ByteLevel') !== undefined;
  const metaspace = findComponent(json.pre_tokenizer, 'Metaspace');
  const replacement = typeof metaspace?.['replacement'] === 'string' ? (metaspace['replacement'] as string) : undefined;
  // After a whitespace split (XLM-R as transformers writes it), every word's "▁" is prepended, none is a space.
  const spacesRemoved = findComponent(json.pre_tokenizer, 'WhitespaceSplit') !== undefined || findComponent(json.pre_tokenizer, 'Whitespace') !== undefined;
  const prefix = json.model.type === 'WordPiece' ? (json.model.continuing_subword_prefix ?? '##') : undefined;
  const processor = findComponent(json.post_processor, 'RobertaProcessing') ?? findComponent(json.post_processor, 'ByteLevel');
  const trim = processor?.['trim_offsets'] === true;
  const replace = findComponent(json.normalizer, 'Replace');
  const collapsesSpaces = replace?.['content'] === ' ' && /\{2,\}|\+/.test(JSON.stringify(replace['pattern'] ?? ''));

  // Words repeat across texts: their units and byte decoding depend on the word alone, so they are remembered.
  const prepared = new Map<string, Prepared>();
  const prepare = (word: string, tokens: readonly string[], unk: string | undefined): Prepared => {
    let p = prepared.get(word);
    if (p) return p;
    const units = tokenUnits(word, tokens, unk, prefix);
    if (byteLevel) {
      const d = decodeBytes(word);
      const end = d.text.length;
      p = { units, text: d.text, toText: (a, b) => (b <= a ? [d.starts[a] ?? end, d.starts[a] ?? end] : [d.starts[a]!, d.ends[b - 1]!]) };
    } else p = { units, text: replacement ? word.split(replacement).join(' ') : word, toText: (a, b) => [a, b] };
    if (prepared.size < PREPARED_LIMIT) prepared.set(word, p);
    return p;
  };

  return {
    locate(word, tokens, unk, align) {
      const { units, text, toText } = prepare(word, tokens, unk);
      // A prepended "▁" stands for no character: it shares the first character's span, as Python reports it.
      const prepended = replacement !== undefined && text.startsWith(' ') && (spacesRemoved || !align.atSpace());
      let at = prepended ? undefined : align.find(text, { lastOfSpaceRun: collapsesSpaces });
      let shift = (a: number, b: number): [number, number] => [a, b];
      if (prepended) {
        at = align.find(text.slice(1));
        shift = (a, b) => [Math.max(a - 1, 0), Math.max(b - 1, 1)];
      }
      if (!at) return units.map(() => align.here());
      const base = at[0];
      return units.map(([ua, ub]) => {
        let [a, b] = shift(...toText(ua, ub));
        a += base;
        b += base;
        if (trim) {
          // Python trims spaces only (a tab or newline token keeps its span).
          while (a < b && align.charAt(a) === ' ') a++;
          while (b > a && align.charAt(b - 1) === ' ') b--;
        }
        return align.original(a, b);
      });
    },
  };
}
