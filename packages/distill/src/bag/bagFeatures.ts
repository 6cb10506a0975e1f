import type { GraphBuilder } from '@pare/onnx';
import { hashedNgramIds, type AnyTokenizerSpec, type HashedNgramSpec, type TextTokenizer } from '@pare/runtime';
import type { BagSet, LabelledText } from './bagSet';
import { teacherTokenRows, teacherTokenGraphRows, type TeacherTokenHash } from './teacherTokenFeatures';

// What a bag student reads off a text: the embedding rows its mean is taken over. Two kinds, each with its
// trainer side (rows per text, CSR) and its graph side (the same rows computed inside the ONNX model from what
// the edge feeds it), so the served model sees exactly what the trainer saw.
//   words: hashed word (and character) n-grams of the text; the edge's hashed-ngrams tokenizer makes the ids.
//   teacher-tokens: hashed unigrams and bigrams of the teacher's own token ids in the teacher's window; the edge
//     runs the teacher's tokenizer, the graph hashes. The student then sees what the teacher saw (its pieces,
//     cut where it was cut), which is what agreement with the teacher needs.

/** A feature set as the ONNX graph computes it: row ids [batch, n] (int64) with a float mask [batch, n] each. */
export type GraphRows = (b: GraphBuilder, ids: string, mask: string) => Array<{ rows: string; mask: string }>;

export interface BagFeatures {
  kind: 'words' | 'teacher-tokens';
  /** Rows of the embedding table the features index. */
  buckets: number;
  /** The tokenizer the variant's manifest names (the edge runs it on a request's text). */
  tokenizer: AnyTokenizerSpec;
  /** That tokenizer, loaded (teacher tokens: the teacher's, tokenizer.json included). */
  reader?: TextTokenizer;
  encode(examples: readonly LabelledText[]): BagSet;
  /** Absent: the ids fed are the rows (the words kind). */
  graphRows?: GraphRows;
}

/** Hashed word n-grams, the ids made by the runtime's hashed-ngrams tokenizer (the very function the edge runs). */
export function wordFeatures(spec: HashedNgramSpec): BagFeatures {
  return { kind: 'words', buckets: spec.buckets, tokenizer: spec, encode: (examples) => csrRows(examples, examples.map((e) => hashedNgramIds(spec, e.text).ids)) };
}

/** Hashed unigrams and bigrams of the teacher's token ids, the teacher's tokenizer run as the edge runs it. */
export function teacherTokenFeatures(teacher: { spec: AnyTokenizerSpec; reader: TextTokenizer }, buckets: number): BagFeatures {
  const hash: TeacherTokenHash = { buckets, vocabSize: teacher.reader.vocabSize };
  return {
    kind: 'teacher-tokens', buckets, tokenizer: teacher.spec, reader: teacher.reader,
    encode: (examples) => csrRows(examples, teacherTokenRows(hash, teacher.reader, examples.map((e) => e.text))),
    graphRows: (b, ids, mask) => teacherTokenGraphRows(b, hash, ids, mask),
  };
}

function csrRows(examples: readonly LabelledText[], rows: readonly number[][]): BagSet {
  const offsets = new Int32Array(examples.length + 1);
  rows.forEach((r, i) => (offsets[i + 1] = offsets[i]! + r.length));
  const ids = new Int32Array(offsets[examples.length]!);
  rows.forEach((r, i) => ids.set(r, offsets[i]!));
  return {
    n: examples.length, offsets, ids,
    labels: Uint8Array.from(examples, (e) => e.label), hard: Uint8Array.from(examples, (e) => (e.hard ? 1 : 0)),
  };
}
