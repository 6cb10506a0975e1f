import { hashedNgramIds, type HashedNgramSpec } from '@pare/runtime';

/** A split as hashed n-gram ids, ragged (CSR): row i's ids are ids[offsets[i] .. offsets[i + 1]). */
export interface BagSet {
  n: number;
  offsets: Int32Array;
  ids: Int32Array;
  labels: Uint8Array;
  hard: Uint8Array;
}

/** A text with its label index (the teacher's label where the data has none) and whether it is a hard negative. */
export interface LabelledText {
  text: string;
  label: number;
  hard: boolean;
  /** The text as a client sends it, when the variant cleans texts before tokenizing them (preprocess.clean). */
  raw?: string;
}

/** Encode with the runtime's hashed n-gram ids, the very function the edge runs on a request's text. */
export function encodeBags(spec: HashedNgramSpec, examples: readonly LabelledText[]): BagSet {
  const rows = examples.map((e) => hashedNgramIds(spec, e.text).ids);
  const offsets = new Int32Array(examples.length + 1);
  rows.forEach((r, i) => (offsets[i + 1] = offsets[i]! + r.length));
  const ids = new Int32Array(offsets[examples.length]!);
  rows.forEach((r, i) => ids.set(r, offsets[i]!));
  return {
    n: examples.length, offsets, ids,
    labels: Uint8Array.from(examples, (e) => e.label), hard: Uint8Array.from(examples, (e) => (e.hard ? 1 : 0)),
  };
}
