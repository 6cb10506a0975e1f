// Tokenizers work on a normalised copy of the text (lower-cased, NFKC, accents stripped, spaces around CJK…),
// but callers want [start, end) offsets into the text they sent. Normalising one code point at a time keeps a map
// from every normalised UTF-16 unit back to its source code point; tokens are then found in that string in
// order, and the text is aligned only as far as tokens are looked for. Where whole-text normalisation differs
// from the per-character one, a token is not found and gets an empty span at the cursor instead of a wrong one.

/** How far past the cursor (after whitespace) a token may start: tokens are consecutive, so a far match is wrong. */
const SLACK = 32;
/** Characters normalised ahead of the cursor: the text is aligned only as far as tokens are looked for. */
const LOOKAHEAD = 256;

const CLUSTER = /\P{M}\p{M}+|[^]/suy;

export class NormalizedAlignment {
  private normalized = '';
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private cursor = 0;
  /** Source position up to which the text is normalised. */
  private source = 0;

  constructor(private readonly text: string, private readonly normalizeChar: (char: string) => string) {}

  /** Normalise clusters until `length` normalised units exist (or the text ends). A base character and its
   * combining marks go together where normalising them together differs (NFKC composes "e" + U+0301 into "é");
   * elsewhere one code point at a time, which is how Python aligns them. */
  private extend(length: number): void {
    const parts: string[] = [];
    let built = this.normalized.length;
    const push = (n: string, start: number, end: number) => {
      parts.push(n);
      built += n.length;
      for (let k = 0; k < n.length; k++) { this.starts.push(start); this.ends.push(end); }
    };
    while (built < length && this.source < this.text.length) {
      CLUSTER.lastIndex = this.source;
      const cluster = CLUSTER.exec(this.text)![0];
      const at = this.source;
      this.source += cluster.length;
      if (cluster.length === 1 || (cluster.length === 2 && cluster.codePointAt(0)! > 0xffff)) { push(this.normalizeChar(cluster), at, this.source); continue; }
      const chars = Array.from(cluster);
      const each = chars.map(this.normalizeChar);
      const whole = this.normalizeChar(cluster);
      if (whole !== each.join('')) { push(whole, at, this.source); continue; }
      let p = at;
      chars.forEach((c, k) => { push(each[k]!, p, p + c.length); p += c.length; });
    }
    this.normalized += parts.join('');
  }

  /** The normalised character at `index` (aligned on demand). */
  charAt(index: number): string {
    if (index >= this.normalized.length) this.extend(index + LOOKAHEAD);
    return this.normalized[index] ?? '';
  }

  /** Finds `surface` just after the cursor (whitespace skipped unless the surface starts with some) and moves
   * past it: its normalised [start, end). */
  find(surface: string, options: { lastOfSpaceRun?: boolean } = {}): [number, number] | undefined {
    if (surface.length === 0) return undefined;
    let from = this.cursor;
    // Surfaces that carry their leading space (byte-level, Metaspace) are found with it.
    if (!/^\s/.test(surface)) while (/\s/.test(this.charAt(from))) from++;
    this.extend(from + SLACK + surface.length + LOOKAHEAD);
    let at = this.normalized.indexOf(surface, from);
    if (at < 0 || at - from > SLACK) return undefined;
    // A normaliser that collapses runs of spaces keeps the last one (Python's alignment of the replacement).
    if (options.lastOfSpaceRun && /^ +$/.test(surface)) while (this.charAt(at + surface.length) === ' ') at++;
    this.cursor = at + surface.length;
    return [at, at + surface.length];
  }

  /** Whether the next normalised character (from the cursor) is a space (U+0020). */
  atSpace(): boolean {
    return this.charAt(this.cursor) === ' ';
  }

  /** Moves the cursor to a normalised position (after a token located by other means). */
  advanceTo(position: number): void {
    this.cursor = Math.max(this.cursor, position);
  }

  /** The source [start, end) in UTF-16 units of normalised [start, end); empty at the cursor when nothing matches. */
  original(start: number, end: number): [number, number] {
    if (end <= start) {
      this.charAt(start);
      const p = start < this.starts.length ? this.starts[start]! : this.text.length;
      return [p, p];
    }
    return [this.starts[start]!, this.ends[end - 1]!];
  }

  /** An empty source span at the cursor, for a token that could not be located. */
  here(): [number, number] {
    return this.original(this.cursor, this.cursor);
  }
}
