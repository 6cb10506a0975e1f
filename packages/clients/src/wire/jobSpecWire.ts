import { z } from 'zod';
import { VARIANT_NAME } from '@pare/runtime';
import { boundedArray, boundedInt, boundedString, JOB_LIMITS } from './jobLimits';

// Job specs: the body of the origin's `POST /jobs`. This is the shape only; the origin adds the checks that
// need its own packages (compression options, variant name clashes) in apps/origin/src/jobs/jobSpec.ts.
// Unknown keys are rejected (a typo such as `bachSize` would otherwise be ignored silently); every size, count
// and string is bounded (./jobLimits.ts).

export const JOB_TYPES = ['distill', 'batch-infer', 'evaluate', 'compress'] as const;
export type JobType = (typeof JOB_TYPES)[number];

export const EXECUTION_PROVIDERS = ['cpu', 'cuda', 'webgpu'] as const;

const variantName = z.string().regex(VARIANT_NAME, 'must be a lower-case variant name');
const modelName = z.string().regex(VARIANT_NAME, 'must be a lower-case model name');

/**
 * A file on the origin machine (absolute or relative to the origin's working directory) inside its data roots,
 * or an http(s) URL on a host the origin fetches from.
 */
const fileRef = boundedString('fileRefLength', 'must name a file path or an http(s) URL');
const name = boundedString('nameLength');

const inferenceOptions = {
  model: fileRef,
  /**
   * JSONL (one example per line) or a JSON array of `{ "inputs": { <input name>: number | nested array } }` or
   * `{ "text": "…" }` examples (with `"label"` for evaluate); or "spam-assassin" for that dataset's held-out
   * test split (text, labelled).
   */
  data: fileRef,
  /** The variant manifest (tokenizer, input names, labels) for text examples; manifest.json beside the model when absent. */
  manifest: fileRef.optional(),
  /** Seed of the built-in dataset's split (the one the model was distilled with). */
  seed: z.number().int().default(1),
  /** Use only the first n examples. */
  limit: boundedInt('examples').optional(),
  batchSize: boundedInt('batchSize').default(64),
  executionProvider: z.enum(EXECUTION_PROVIDERS).default('cpu'),
  /** Sessions run side by side, each on cores/sessions intra-op threads. */
  sessions: boundedInt('sessions').default(1),
  intraOpNumThreads: boundedInt('intraOpNumThreads').optional(),
};

export const batchInferSpecWire = z
  .object({
    type: z.literal('batch-infer'),
    ...inferenceOptions,
    /** Output names to write to predictions.jsonl; all outputs when absent. */
    outputs: boundedArray(name, 'outputs').min(1).optional(),
  })
  .strict();

export const evaluateSpecWire = z
  .object({
    type: z.literal('evaluate'),
    ...inferenceOptions,
    /** The output holding scores or logits; the model's first output when absent. */
    output: name.optional(),
    /** Class names by output index; string labels in the data are looked up here. */
    labels: boundedArray(name, 'labels').min(2).optional(),
    /** For single-score outputs: predict class 1 when the score is at least this. */
    threshold: z.number().default(0.5),
  })
  .strict();

/**
 * The fields of @pare/compress's CompressOptions, typed; the origin checks their values with @pare/compress.
 * Strict, so a misspelt option (`sparsty`) is a 400 rather than a job that silently compresses nothing.
 */
export const compressOptionsWire = z
  .object({
    quantize: z.string().max(JOB_LIMITS.optionLength, `must be at most ${JOB_LIMITS.optionLength} characters`).optional(),
    perChannel: z.boolean().optional(),
    pruneThreshold: z.number().optional(),
    sparsity: z.number().optional(),
    structured: z.number().optional(),
    /** int8-weights, int8-dynamic: remove each layer's expected output shift, measured on `calibration` (default true when it is given). */
    biasCorrection: z.boolean().optional(),
    exclude: boundedArray(name, 'exclude').optional(),
  })
  .strict();

export const compressSpecWire = z
  .object({
    type: z.literal('compress'),
    model: fileRef,
    /** CompressOptions of @pare/compress (quantize, perChannel, sparsity, pruneThreshold, structured, exclude). */
    options: compressOptionsWire.default({}),
    /** Calibration examples (same format as batch-infer data) for `quantize: "int8-static"`, and the input means of int8-weights' bias correction. */
    calibration: fileRef.optional(),
    /** How many calibration examples to run at most. */
    calibrationLimit: boundedInt('calibrationLimit').default(256),
  })
  .strict();

const publishTargetWire = z
  .object({
    /**
     * Base URL of the edge worker, e.g. https://pare.example.workers.dev. It must be one of the origin's
     * configured edges (PARE_EDGE_URLS); when the origin has exactly one, it may be left out.
     */
    edge: z.url().max(JOB_LIMITS.fileRefLength, `must be at most ${JOB_LIMITS.fileRefLength} characters`).optional(),
    model: modelName,
    variant: variantName,
  })
  .strict();

/** A variant deployed on an edge, read through that edge's admin API (a distill job's teacher). */
const deployedVariantWire = z
  .object({
    /** One of the origin's configured edges (PARE_EDGE_URLS): only those get its admin token. */
    edge: z.url().max(JOB_LIMITS.fileRefLength, `must be at most ${JOB_LIMITS.fileRefLength} characters`),
    model: modelName,
    variant: variantName,
  })
  .strict();

/** A compressed variant a distill job makes of its student: CompressOptions of @pare/compress, without calibration. */
export const compressedVariantWire = z.object({ variant: variantName, options: compressOptionsWire }).strict();

/** Size and schedule of an encoder the trainer builds (teacher or student). */
const encoderTraining = z
  .object({
    size: z.object({ dModel: boundedInt('dModel'), heads: boundedInt('heads'), layers: boundedInt('layers'), ffDim: boundedInt('ffDim') }).partial().strict().optional(),
    epochs: boundedInt('epochs').optional(),
    learningRate: z.number().positive().max(JOB_LIMITS.learningRate, `must be at most ${JOB_LIMITS.learningRate}`).optional(),
  })
  .strict();

/** The hashed n-gram bag student (fastText-style): tiny and fast at the edge. */
const bagTraining = z
  .object({
    family: z.literal('bag'),
    /** Hashed word n-grams of the text, or hashed unigrams and bigrams of the teacher's own tokens (the default for your texts). */
    features: z.enum(['words', 'teacher-tokens']).optional(),
    buckets: boundedInt('buckets').optional(),
    dim: boundedInt('dim').optional(),
    wordNgrams: z.number().int().min(1).max(3).optional(),
    charNgrams: z.object({ min: z.number().int().min(1).max(10), max: z.number().int().min(1).max(10) }).strict().optional(),
    maxLength: boundedInt('maxLength').optional(),
    epochs: boundedInt('epochs').optional(),
    learningRate: z.number().positive().max(JOB_LIMITS.learningRate, `must be at most ${JOB_LIMITS.learningRate}`).optional(),
    batchSize: boundedInt('batchSize').optional(),
    patience: boundedInt('epochs').optional(),
    earlyStopping: z.enum(['agreement', 'accuracy']).optional(),
  })
  .strict();

/** The distill spec with a check on each compressed variant (the origin passes its own); the wire has none. */
export function distillSpecWireWith(compressedVariant: typeof compressedVariantWire) {
  return z
    .object({
      type: z.literal('distill'),
      /**
       * "train" (train a teacher first), a teacher config ({ size, epochs, learningRate }) to train, or a
       * teacher model.onnx whose manifest (for its tokenizer) is `teacherManifest` or manifest.json beside it.
       */
      teacher: z.union([z.literal('train'), encoderTraining, fileRef]).default('train'),
      teacherManifest: fileRef.optional(),
      /**
       * The teacher as a variant deployed on one of the origin's edges. The origin sets it at submission when
       * `teacher` is `<edge-url>/<model>/<variant>` under one of its edges.
       */
      teacherVariant: deployedVariantWire.optional(),
      /** "spam-assassin", or a file of the user's texts on the origin (JSONL, CSV or one text a line). */
      data: z.union([z.literal('spam-assassin'), fileRef]).default('spam-assassin'),
      /** A file of validation texts (else the origin cuts one from data). */
      validation: fileRef.optional(),
      /** JSONL key or CSV column of the text and of the (optional) label. */
      textField: name.optional(),
      labelField: name.optional(),
      format: z.enum(['jsonl', 'csv', 'text']).optional(),
      /** spam-assassin only: read mails raw (subject + body) or cleaned as a mail filter must. */
      text: z.enum(['subject-body', 'mail']).optional(),
      student: z.union([encoderTraining, bagTraining]).optional(),
      /** Choose the threshold of `positive` on validation for this false-positive rate (bag students). */
      targetFpr: z.number().min(0).max(0.5).optional(),
      positive: name.optional(),
      /** KD temperature T and KD weight alpha; the trainer's defaults when absent. */
      temperature: z.number().positive().max(JOB_LIMITS.temperature, `must be at most ${JOB_LIMITS.temperature}`).optional(),
      alpha: z.number().min(0).max(1).optional(),
      seed: z.number().int().optional(),
      /** Keep only the first n examples of each split (smoke runs and tests). */
      limit: boundedInt('examples').optional(),
      /** Tokenizer size and sequence length when the teacher is trained here. */
      vocabSize: boundedInt('vocabSize').optional(),
      maxLength: boundedInt('maxLength').optional(),
      batchSize: boundedInt('batchSize').optional(),
      /** Model name written into the manifests. */
      model: modelName.default('spam'),
      /** Compressed variants of the student to make (and measure on the test split), e.g. { variant: "student-int8", options: { quantize: "int8-dynamic" } }. */
      variants: boundedArray(compressedVariant, 'variants').default([]),
      /** Publish the student (as publish.variant) and its compressed variants to the edge when the job succeeds. */
      publish: publishTargetWire.optional(),
    })
    .strict();
}

const distillSpecWire = distillSpecWireWith(compressedVariantWire);

export const jobSpecWire = z.discriminatedUnion('type', [batchInferSpecWire, evaluateSpecWire, compressSpecWire, distillSpecWire]);

/** A job spec as the origin stores and returns it (defaults filled in). */
export type JobSpec = z.output<typeof jobSpecWire>;
/** A job spec as a client may send it (defaults optional). */
export type JobSpecInput = z.input<typeof jobSpecWire>;
export type BatchInferSpec = z.output<typeof batchInferSpecWire>;
export type EvaluateSpec = z.output<typeof evaluateSpecWire>;
export type CompressSpec = z.output<typeof compressSpecWire>;
export type DistillSpec = z.output<typeof distillSpecWire>;
export type PublishTarget = z.output<typeof publishTargetWire>;
export type SpecOf<T extends JobType> = Extract<JobSpec, { type: T }>;
