// One text's tokens → the padded, row-major EncodedBatch every tokenizer kind returns.
import type { EncodedBatch } from './textTokenizer';

/** One text, special tokens included, not yet padded. */
export interface EncodedRow {
  ids: number[];
  typeIds: number[];
  offsets: Array<[number, number]>;
  wordIds: Array<number | null>;
  truncated: boolean;
}

export interface PadOptions {
  /** Row length; rows shorter are padded. */
  length: number;
  padId: number;
  side: 'right' | 'left';
}

export function stackRows(rows: readonly EncodedRow[], pad: PadOptions): EncodedBatch {
  const L = pad.length;
  const ids = new BigInt64Array(rows.length * L).fill(BigInt(pad.padId));
  const attentionMask = new BigInt64Array(rows.length * L);
  const typeIds = new BigInt64Array(rows.length * L);
  const offsets: Array<Array<[number, number]>> = [];
  const wordIds: Array<Array<number | null>> = [];
  rows.forEach((row, r) => {
    const n = row.ids.length;
    const first = pad.side === 'left' ? L - n : 0;
    for (let j = 0; j < n; j++) {
      const at = r * L + first + j;
      ids[at] = BigInt(row.ids[j]!);
      attentionMask[at] = 1n;
      typeIds[at] = BigInt(row.typeIds[j]!);
    }
    const padOffsets = Array.from({ length: L - n }, (): [number, number] => [0, 0]);
    const padWords = new Array<null>(L - n).fill(null);
    offsets.push(pad.side === 'left' ? [...padOffsets, ...row.offsets] : [...row.offsets, ...padOffsets]);
    wordIds.push(pad.side === 'left' ? [...padWords, ...row.wordIds] : [...row.wordIds, ...padWords]);
  });
  return { ids, attentionMask, typeIds, dims: [rows.length, L], offsets, wordIds, truncated: rows.map((r) => r.truncated) };
}
