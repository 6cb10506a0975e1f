// The one interface every text variant's tokenizer meets, whichever kind made it (Pare's own WordPiece/BPE in
// ../tokenizer.ts, or a Hugging Face `tokenizer.json`). Tasks (text classification, embeddings, token
// classification, generation) build their feeds from an EncodedBatch and map outputs back to the text through
// its offsets, so a task never needs to know which tokenizer kind it was given.

/** A batch of texts as model rows: every array is [batch, length] row-major. */
export interface EncodedBatch {
  ids: BigInt64Array;
  /** 1 for real tokens (special tokens included), 0 for padding. */
  attentionMask: BigInt64Array;
  /** Segment ids (all 0 for single texts), for models with a `token_type_ids` input. */
  typeIds: BigInt64Array;
  dims: [batch: number, length: number];
  /** Per text, per token: [start, end) character offsets into the original text; [0, 0] for special and pad tokens. */
  offsets: Array<Array<[number, number]>>;
  /** Per text, per token: index of the word the token belongs to, or null for special and pad tokens. */
  wordIds: Array<Array<number | null>>;
  /** Per text: whether it was cut to fit `maxLength`. */
  truncated: boolean[];
}

export interface EncodeOptions {
  /** Whether offsets (and word ids) are wanted; false lets a tokenizer skip aligning tokens to the text, and
   * leaves every offset [0, 0]. Default true. */
  offsets?: boolean;
}

export interface TextTokenizer {
  /** Longest row the model takes, special tokens included. */
  readonly maxLength: number;
  /** Rows of the embedding table the ids index (ids are always below it). */
  readonly vocabSize: number;
  /** How long inputs are cut (stated in responses): e.g. "right" keeps the start of the text. */
  readonly truncation: 'right' | 'left';
  /** The id padded positions hold (rows padded to a model's static length use it too); 0 when not given. */
  readonly padId?: number;
  encode(texts: readonly string[], options?: EncodeOptions): EncodedBatch;
  /** Ids back to text (generation needs it; classifiers may not implement it). */
  decode?(ids: readonly number[], options?: { skipSpecialTokens?: boolean }): string;
}
