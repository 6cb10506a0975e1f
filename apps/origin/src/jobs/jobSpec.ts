import { z } from 'zod';
import { PareError } from '@pare/errors';
import { checkCompressOptions, type CompressOptions } from '@pare/compress';
import { VARIANT_NAME } from '@pare/runtime';

// Job specs: what `POST /jobs` accepts, checked once here so handlers can trust their input. Unknown keys are
// rejected (a typo such as `bachSize` would otherwise be ignored silently).

export const JOB_TYPES = ['distill', 'batch-infer', 'evaluate', 'compress'] as const;
export type JobType = (typeof JOB_TYPES)[number];

export const EXECUTION_PROVIDERS = ['cpu', 'cuda', 'webgpu'] as const;

const variantName = z.string().regex(VARIANT_NAME, 'must be a lower-case variant name');

/** A file on the origin machine (absolute or relative to the origin's working directory) or an http(s) URL. */
const fileRef = z.string().min(1, 'must name a file path or an http(s) URL');

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
  limit: z.number().int().positive().optional(),
  batchSize: z.number().int().min(1).max(65536).default(64),
  executionProvider: z.enum(EXECUTION_PROVIDERS).default('cpu'),
  /** Sessions run side by side, each on cores/sessions intra-op threads. */
  sessions: z.number().int().min(1).max(64).default(1),
  intraOpNumThreads: z.number().int().min(1).max(256).optional(),
};

const batchInferSpec = z
  .object({
    type: z.literal('batch-infer'),
    ...inferenceOptions,
    /** Output names to write to predictions.jsonl; all outputs when absent. */
    outputs: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

const evaluateSpec = z
  .object({
    type: z.literal('evaluate'),
    ...inferenceOptions,
    /** The output holding scores or logits; the model's first output when absent. */
    output: z.string().min(1).optional(),
    /** Class names by output index; string labels in the data are looked up here. */
    labels: z.array(z.string().min(1)).min(2).optional(),
    /** For single-score outputs: predict class 1 when the score is at least this. */
    threshold: z.number().default(0.5),
  })
  .strict();

/**
 * The fields of CompressOptions, typed; their values are checked by @pare/compress (checkCompressOptionsInto).
 * Strict, so a misspelt option (`sparsty`) is a 400 rather than a job that silently compresses nothing.
 */
const compressOptions = z
  .object({
    quantize: z.string().optional(),
    perChannel: z.boolean().optional(),
    pruneThreshold: z.number().optional(),
    sparsity: z.number().optional(),
    structured: z.number().optional(),
    exclude: z.array(z.string().min(1)).optional(),
  })
  .strict();

const compressSpec = z
  .object({
    type: z.literal('compress'),
    model: fileRef,
    /** CompressOptions of @pare/compress (quantize, perChannel, sparsity, pruneThreshold, structured, exclude); checked there. */
    options: compressOptions.default({}),
    /** Calibration examples (same format as batch-infer data) for `quantize: "int8-static"`. */
    calibration: fileRef.optional(),
    /** How many calibration examples to run at most. */
    calibrationLimit: z.number().int().positive().default(256),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (checkCompressOptionsInto(spec.options, ctx) === 'int8-static' && !spec.calibration) {
      ctx.addIssue({ code: 'custom', path: ['calibration'], message: 'int8-static needs calibration examples (a JSONL file like batch-infer data)' });
    }
  });

/**
 * Run @pare/compress's own option check at submission, so a bad option is a 400 rather than a failed job.
 * Returns the quantization mode when the options are valid.
 */
function checkCompressOptionsInto(options: z.output<typeof compressOptions>, ctx: z.RefinementCtx): CompressOptions['quantize'] | 'invalid' {
  try {
    checkCompressOptions(options as CompressOptions);
    return (options as CompressOptions).quantize;
  } catch (error) {
    ctx.addIssue({ code: 'custom', path: ['options'], message: error instanceof Error ? error.message.replace(/\.$/, '') : String(error) });
    return 'invalid';
  }
}

const publishTarget = z
  .object({
    /** Base URL of the edge worker, e.g. https://pare.example.workers.dev */
    edge: z.url(),
    model: z.string().regex(VARIANT_NAME, 'must be a lower-case model name'),
    variant: variantName,
  })
  .strict();

const positiveInt = z.number().int().positive();

/** A compressed variant a distill job makes of its student: CompressOptions of @pare/compress, without calibration. */
const compressedVariant = z
  .object({ variant: variantName, options: compressOptions })
  .strict()
  .superRefine((spec, ctx) => {
    if (checkCompressOptionsInto(spec.options, ctx) === 'int8-static') {
      ctx.addIssue({ code: 'custom', path: ['options', 'quantize'], message: 'int8-static needs calibration; use int8-dynamic or int8-weights here, or a compress job' });
    }
  });

/** Size and schedule of an encoder the trainer builds (teacher or student). */
const encoderTraining = z
  .object({
    size: z.object({ dModel: positiveInt, heads: positiveInt, layers: positiveInt, ffDim: positiveInt }).partial().strict().optional(),
    epochs: positiveInt.optional(),
    learningRate: z.number().positive().optional(),
  })
  .strict();

const distillSpec = z
  .object({
    type: z.literal('distill'),
    /**
     * "train" (train a teacher first), a teacher config ({ size, epochs, learningRate }) to train, or a
     * teacher model.onnx whose manifest (for its tokenizer) is `teacherManifest` or manifest.json beside it.
     */
    teacher: z.union([z.literal('train'), encoderTraining, fileRef]).default('train'),
    teacherManifest: fileRef.optional(),
    data: z.literal('spam-assassin').default('spam-assassin'),
    student: encoderTraining.optional(),
    /** KD temperature T and KD weight alpha; the trainer's defaults when absent. */
    temperature: z.number().positive().max(100).optional(),
    alpha: z.number().min(0).max(1).optional(),
    seed: z.number().int().optional(),
    /** Keep only the first n examples of each split (smoke runs and tests). */
    limit: positiveInt.optional(),
    /** Tokenizer size and sequence length when the teacher is trained here. */
    vocabSize: positiveInt.optional(),
    maxLength: positiveInt.optional(),
    batchSize: positiveInt.optional(),
    /** Model name written into the manifests. */
    model: z.string().regex(VARIANT_NAME, 'must be a lower-case model name').default('spam'),
    /** Compressed variants of the student to make (and measure on the test split), e.g. { variant: "student-int8", options: { quantize: "int8-dynamic" } }. */
    variants: z.array(compressedVariant).max(8).default([]),
    /** Publish the student (as publish.variant) and its compressed variants to the edge when the job succeeds. */
    publish: publishTarget.optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    // Each variant is written as <variant>.onnx beside the job's own artifacts and published under its name.
    const taken = new Map<string, string>([['student', "the distilled student's artifact"], ['teacher', "the teacher's artifact"]]);
    if (spec.publish) taken.set(spec.publish.variant, 'the name the student is published as');
    spec.variants.forEach((v, i) => {
      const clash = taken.get(v.variant);
      if (clash) ctx.addIssue({ code: 'custom', path: ['variants', i, 'variant'], message: `"${v.variant}" is already ${clash}; choose another variant name` });
      else taken.set(v.variant, `variant ${i}`);
    });
  });

const jobSpecSchema = z.discriminatedUnion('type', [batchInferSpec, evaluateSpec, compressSpec, distillSpec]);

export type JobSpec = z.output<typeof jobSpecSchema>;
export type BatchInferSpec = z.output<typeof batchInferSpec>;
export type EvaluateSpec = z.output<typeof evaluateSpec>;
export type CompressSpec = z.output<typeof compressSpec>;
export type DistillSpec = z.output<typeof distillSpec>;
export type PublishTarget = z.output<typeof publishTarget>;
export type SpecOf<T extends JobType> = Extract<JobSpec, { type: T }>;

/** Check a submitted body; throws PareError `invalid_job_spec` (400) naming the first field at fault. */
export function parseJobSpec(body: unknown): JobSpec {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('(body)', 'a job spec is a JSON object with a "type" field', []);
  }
  const type = (body as Record<string, unknown>).type;
  if (!JOB_TYPES.includes(type as JobType)) {
    throw invalid('type', `must be one of ${JOB_TYPES.join(', ')} (got ${JSON.stringify(type) ?? 'nothing'})`, []);
  }
  const result = jobSpecSchema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ field: fieldName(issue), message: describe(issue) }));
  const first = issues[0]!;
  throw invalid(first.field, first.message, issues);
}

function fieldName(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => [...path, key].join('.')).join(', ');
  return path.length ? path.join('.') : '(body)';
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} for this job type`;
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return issue.message;
}

function invalid(field: string, message: string, issues: Array<{ field: string; message: string }>): PareError {
  return new PareError('invalid_job_spec', `Invalid job spec: ${field}: ${message}.`, {
    status: 400,
    details: { field, issues: issues.length ? issues : [{ field, message }] },
  });
}
