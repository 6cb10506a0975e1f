import { z } from 'zod';
import { PareError } from '@pare/errors';
import { variantNameSchema } from './variantName';

// The variant manifest: everything needed to serve a variant and to judge it (DESIGN.md, "The variant").
// It is stored next to the model bytes as manifest.json; the sha256 ties the two together.

const tensorSpec = z.object({
  name: z.string().min(1),
  /** ONNX element type name as onnxruntime spells it: float32, int64, int32, uint8, int8, bool, float16, string. */
  dtype: z.string().min(1),
  /** Dimensions; a string or -1 marks a dynamic dimension. */
  shape: z.array(z.union([z.number().int(), z.string()])),
});

const tokenizerSpec = z.object({
  /** wordpiece or bpe; the vocabulary travels inside the manifest so the edge needs no second object. */
  kind: z.enum(['wordpiece', 'bpe']),
  vocab: z.array(z.string()).min(1),
  /** BPE merges as "a b" pairs, in rank order (bpe only). */
  merges: z.array(z.string()).optional(),
  lowercase: z.boolean().default(true),
  maxLength: z.number().int().positive(),
  unkToken: z.string().default('[UNK]'),
  padToken: z.string().default('[PAD]'),
  clsToken: z.string().optional(),
  /** Continuation prefix for wordpiece pieces (usually "##"). */
  continuingPrefix: z.string().default('##'),
});

/** A Hugging Face `tokenizer.json`, stored as its own object beside the model (R2 key …/tokenizer.json) and
 * loaded by text/huggingFaceTokenizer.ts. */
const huggingFaceTokenizerSpec = z.object({
  kind: z.literal('huggingface'),
  /** Lower-case hex sha256 of tokenizer.json: the edge checks the stored bytes against it before use. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
  /** Longest row, special tokens included (tokenizer_config.json's model_max_length, capped by the model's positions). */
  maxLength: z.number().int().positive(),
  /** Which end is cut from a text that is too long. */
  truncation: z.enum(['right', 'left']).default('right'),
  /** Token that fills short rows (tokenizer_config.json's pad_token); its id matters to models that derive
   * positions from it (RoBERTa). Absent: tokenizer.json's padding.pad_id, else 0. */
  padToken: z.string().optional(),
  /** Which end short rows are padded at (tokenizer_config.json's padding_side). */
  padding: z.enum(['right', 'left']).optional(),
  /** Decoding joins " ," into "," and the like (tokenizer_config.json's clean_up_tokenization_spaces; absent:
   * false, transformers 5's default). Only generated text is decoded. */
  cleanUpSpaces: z.boolean().optional(),
});

/** A decoder's key/value cache: each past input is fed the present output of the step before (Optimum's
 * text-generation-with-past layout, past_key_values.N.key → present.N.key). */
const kvCacheSpec = z.object({
  pairs: z.array(z.object({ past: z.string().min(1), present: z.string().min(1) })).min(1),
  /** Key/value heads and head width: a past tensor is [batch, heads, past_length, headDim]. */
  heads: z.number().int().positive(),
  headDim: z.number().int().positive(),
  dtype: z.enum(['float32', 'float16']).default('float32'),
});

const generationSpec = z.object({
  /** The [batch, sequence, vocab] logits output. */
  logits: z.string().default('logits'),
  /** Absent: every step recomputes the whole sequence. */
  cache: kvCacheSpec.optional(),
  /** Positions the model has (config.json's max_position_embeddings / n_positions): prompt + new tokens fit in it. */
  maxPositions: z.number().int().positive(),
  /** Tokens that end a generation (generation_config.json's eos_token_id). */
  eosTokenIds: z.array(z.number().int().nonnegative()).default([]),
  bosTokenId: z.number().int().nonnegative().optional(),
  /** generation_config.json's sampling defaults, used where a request does not say. */
  defaults: z
    .object({
      maxNewTokens: z.number().int().positive(),
      temperature: z.number().nonnegative(),
      topK: z.number().int().nonnegative(),
      topP: z.number().gt(0).max(1),
    })
    .partial()
    .default({}),
});

/** fastText-style hashed n-grams (text/hashedNgramTokenizer.ts): no vocabulary, each word, word n-gram and
 * character n-gram hashes to a row of the model's embedding table. */
const hashedNgramSpec = z.object({
  kind: z.literal('hashed-ngrams'),
  /** Rows of the embedding table: id 0 is padding, n-grams hash into 1 … buckets - 1. */
  buckets: z.number().int().min(2),
  /** Word n-grams up to this n (1: words only, 2: words and adjacent pairs). */
  wordNgrams: z.number().int().min(1).max(3).default(2),
  /** Character n-grams of each word, boundary-marked as "<word>", from min to max characters; absent: none. */
  charNgrams: z.object({ min: z.number().int().positive(), max: z.number().int().positive() }).optional(),
  lowercase: z.boolean().default(true),
  /** Most ids per text: the n-grams of later words are dropped. */
  maxLength: z.number().int().positive(),
  /** 32-bit FNV-1a over the n-gram's UTF-16 code units, its offset basis XORed with the seed. */
  hash: z.literal('fnv1a32').default('fnv1a32'),
  seed: z.number().int().nonnegative().default(0),
});

const manifestSchema = z.object({
  /** Schema version of this manifest format. */
  format: z.literal(1).default(1),
  model: variantNameSchema,
  variant: variantNameSchema,
  /** Lower-case hex sha256 of model.onnx. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
  gzipBytes: z.number().int().positive().optional(),
  parameters: z.number().int().nonnegative().optional(),
  inputs: z.array(tensorSpec).min(1),
  outputs: z.array(tensorSpec).min(1),
  task: z.enum(['text-classification', 'feature-extraction', 'token-classification', 'text-generation', 'tensor']).default('tensor'),
  preprocess: z
    .object({
      /** Pare's own (vocabulary inline) or a Hugging Face tokenizer.json, told apart by `kind`. */
      tokenizer: z.discriminatedUnion('kind', [tokenizerSpec, huggingFaceTokenizerSpec, hashedNgramSpec]),
      /** Names of the model inputs that receive token ids and the attention mask. */
      idsInput: z.string(),
      maskInput: z.string().optional(),
      /** A `token_type_ids` input, filled with the batch's segment ids (zeros for single texts). */
      typeIdsInput: z.string().optional(),
      /** A `position_ids` input, filled with 0..length-1 per row. */
      positionIdsInput: z.string().optional(),
      /** How texts are cleaned before they are tokenized (tasks/textBatchFeeds.ts): 'mail' reads a raw RFC 822 mail
       * as a mail filter must and a bare message as its body (text/mail/mailText.ts). Absent: texts as sent. */
      clean: z.enum(['mail']).optional(),
    })
    .optional(),
  postprocess: z
    .object({
      labels: z.array(z.string()).min(1),
      /** Apply softmax to the logits before reporting scores (false: raw logits). Superseded by `activation` when set. */
      softmax: z.boolean().default(true),
      /** softmax (single-label), sigmoid (multi_label_classification) or none. */
      activation: z.enum(['softmax', 'sigmoid', 'none']).optional(),
      /** Token classification: how sub-word predictions become entities. */
      aggregation: z.enum(['none', 'simple', 'first', 'average', 'max']).optional(),
      output: z.string().optional(),
      /** Text classification: `label` is the answer when its score reaches `score` (chosen on validation for a
       * target false-positive rate), else the best other label. Absent: the top score wins. */
      threshold: z.object({ label: z.string().min(1), score: z.number().min(0).max(1) }).optional(),
    })
    .optional(),
  /** Feature extraction: how token states become one vector per text. */
  embedding: z
    .object({
      pooling: z.enum(['mean', 'cls', 'max', 'none']).default('mean'),
      normalize: z.boolean().default(true),
      output: z.string().optional(),
    })
    .optional(),
  /** Text generation: how a decoder LM is stepped (tasks/decoderSteps.ts) and its generation_config.json defaults. */
  generation: generationSpec.optional(),
  provenance: z
    .object({
      source: z.string().optional(),
      sourceSha256: z.string().optional(),
      passes: z.array(z.object({ name: z.string(), options: z.record(z.string(), z.unknown()).default({}) })).default([]),
      tool: z.string().optional(),
      createdAt: z.string().optional(),
      seed: z.number().optional(),
      datasetChecksum: z.string().optional(),
    })
    .default({ passes: [] }),
  metrics: z
    .object({
      accuracy: z.number().min(0).max(1).optional(),
      /** Mean cosine similarity of outputs against the source variant. */
      fidelity: z.number().optional(),
      top1Agreement: z.number().optional(),
      wasmLatencyMs: z.number().optional(),
      nodeLatencyMs: z.number().optional(),
    })
    .catchall(z.number())
    .default({}),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestInput = z.input<typeof manifestSchema>;
export type TensorSpec = z.infer<typeof tensorSpec>;
export type GenerationSpec = z.infer<typeof generationSpec>;
export type KvCacheSpec = z.infer<typeof kvCacheSpec>;
export type TokenizerSpec = z.infer<typeof tokenizerSpec>;
export type HuggingFaceTokenizerSpec = z.infer<typeof huggingFaceTokenizerSpec>;
export type HashedNgramSpec = z.infer<typeof hashedNgramSpec>;
export type HashedNgramSpecInput = z.input<typeof hashedNgramSpec>;
export type AnyTokenizerSpec = TokenizerSpec | HuggingFaceTokenizerSpec | HashedNgramSpec;

/** The inline (Pare's own) tokenizer of a text variant; a Hugging Face one needs its tokenizer.json loaded. */
export function inlineTokenizerSpec(manifest: Manifest): TokenizerSpec {
  const spec = manifest.preprocess?.tokenizer;
  if (!spec) {
    throw new PareError('manifest_invalid', `Variant "${manifest.model}/${manifest.variant}" has no preprocess.tokenizer, so texts cannot be encoded.`, { details: { field: 'preprocess' } });
  }
  if (spec.kind === 'huggingface') {
    throw new PareError('tokenizer_invalid', `Variant "${manifest.model}/${manifest.variant}" tokenizes with its tokenizer.json (sha256 ${spec.sha256.slice(0, 12)}…); load it (loadTextTokenizer) rather than reading the manifest's vocabulary.`, { details: { field: 'preprocess.tokenizer.kind' } });
  }
  if (spec.kind === 'hashed-ngrams') {
    throw new PareError('tokenizer_invalid', `Variant "${manifest.model}/${manifest.variant}" hashes n-grams (${spec.buckets} buckets) and has no vocabulary; use inlineTokenizer.`, { details: { field: 'preprocess.tokenizer.kind' } });
  }
  return spec;
}

/** Parse a hashed n-gram tokenizer spec, filling its defaults. */
export function hashedNgramSpecOf(value: HashedNgramSpecInput): HashedNgramSpec {
  return hashedNgramSpec.parse(value);
}

/** Validate untrusted manifest JSON; the error names the field at fault. */
export function parseManifest(value: unknown): Manifest {
  const result = manifestSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join('.') || '(root)';
    throw new PareError('manifest_invalid', `Invalid manifest: ${field}: ${issue.message}`, { status: 400, details: { field } });
  }
  return result.data;
}
