// A split as a bag student reads it; ./bagFeatures.ts makes one from texts.

/** A split as embedding-row ids, ragged (CSR): row i's ids are ids[offsets[i] .. offsets[i + 1]). */
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
