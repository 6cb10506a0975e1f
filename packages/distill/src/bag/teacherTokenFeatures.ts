import { PareError } from '@pare/errors';
import type { GraphBuilder } from '@pare/onnx';
import type { TextTokenizer } from '@pare/runtime';

// The teacher-tokens features of a bag student (./bagFeatures.ts): every token id t of a row gives the unigram row
// 1 + (t·P1 + Q1) mod (M − 1), every two adjacent real tokens (s, t) the bigram row 1 + (s·P2 + t·P3 + Q2) mod (M − 1),
// M the table's rows (row 0 stays unused). The same arithmetic runs here on the trainer's side and inside the
// ONNX graph (Mul, Add, Mod on int64), exact on both: with ids below 2^20 and factors below 2^31 every
// intermediate stays below 2^53, where a float64 is still an integer. A multiplier coprime with M − 1 keeps a
// vocabulary smaller than the table free of unigram collisions.

const P1 = 2147483629;
const Q1 = 165580141;
const P2 = 2147483587;
const P3 = 1610612741;
const Q2 = 1013904223;
/** Largest vocabulary the hashing stays exact for. */
export const MAX_TEACHER_VOCAB = 1 << 20;
const BATCH = 64;

export interface TeacherTokenHash {
  buckets: number;
  vocabSize: number;
}

function checked(h: TeacherTokenHash): number {
  if (h.vocabSize > MAX_TEACHER_VOCAB) throw new PareError('distill_teacher', `The teacher's tokenizer has ${h.vocabSize} ids; a bag student over teacher tokens takes at most ${MAX_TEACHER_VOCAB} (use the words features: { "features": "words" }).`);
  if (!(Number.isInteger(h.buckets) && h.buckets >= 3)) throw new RangeError(`teacher-token features need at least 3 buckets, got ${h.buckets}`);
  return h.buckets - 1;
}

export const unigramRow = (m: number, t: number): number => 1 + ((t * P1 + Q1) % m);
export const bigramRow = (m: number, s: number, t: number): number => 1 + ((s * P2 + t * P3 + Q2) % m);

/** Rows of every text, tokenized by the teacher's tokenizer as the edge tokenizes it (its window, its padding). */
export function teacherTokenRows(h: TeacherTokenHash, reader: TextTokenizer, texts: readonly string[]): number[][] {
  const m = checked(h);
  const out: number[][] = [];
  for (let start = 0; start < texts.length; start += BATCH) {
    const batch = reader.encode(texts.slice(start, start + BATCH), { offsets: false });
    const [rows, length] = batch.dims;
    for (let r = 0; r < rows; r++) {
      const ids: number[] = [];
      let prev = -1;
      for (let i = 0; i < length; i++) {
        if (batch.attentionMask[r * length + i] !== 1n) { prev = -1; continue; }
        const t = Number(batch.ids[r * length + i]);
        ids.push(unigramRow(m, t));
        if (prev >= 0) ids.push(bigramRow(m, prev, t));
        prev = t;
      }
      out.push(ids);
    }
  }
  return out;
}

/** The same rows inside the graph, from the ids [batch, length] and the float mask [batch, length] fed to it. */
export function teacherTokenGraphRows(b: GraphBuilder, h: TeacherTokenHash, ids: string, mask: string): Array<{ rows: string; mask: string }> {
  const m = checked(h);
  const int = (name: string, v: number) => b.initializer(`tt_${name}`, 'int64', [], BigInt64Array.of(BigInt(v)));
  const vec = (name: string, v: bigint) => b.initializer(`tt_${name}`, 'int64', [1], BigInt64Array.of(v));
  const [one, mod] = [int('one', 1), int('mod', m)];
  const row = (x: string) => b.op('Add', [b.op('Mod', [x, mod]), one]);
  const axis = vec('axis_1', 1n), start0 = vec('start_0', 0n), start1 = vec('start_1', 1n), endLast = vec('end_last', -1n), endAll = vec('end_all', 9223372036854775807n);
  const previous = (x: string) => b.op('Slice', [x, start0, endLast, axis]);
  const next = (x: string) => b.op('Slice', [x, start1, endAll, axis]);
  const unigrams = row(b.op('Add', [b.op('Mul', [ids, int('p1', P1)]), int('q1', Q1)]));
  const bigrams = row(b.op('Add', [b.op('Add', [b.op('Mul', [previous(ids), int('p2', P2)]), b.op('Mul', [next(ids), int('p3', P3)])]), int('q2', Q2)]));
  return [
    { rows: unigrams, mask },
    { rows: bigrams, mask: b.op('Mul', [previous(mask), next(mask)]) },
  ];
}
