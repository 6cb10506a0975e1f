import { z } from 'zod';

// Upper bounds on every size and count a job spec names, so a spec cannot ask the origin for more memory or
// time than any machine has (a distill with vocabSize 1e12 once took an origin down). They sit far above what
// a real job on a CPU or GPU origin uses; the origin adds a memory estimate against its own budget on top
// (apps/origin/src/jobs/jobMemory.ts). Clients may read them to check a spec before sending it.

export const JOB_LIMITS = {
  /** Characters in a file path or URL. */
  fileRefLength: 4096,
  /** Characters in an output, label, input or node name. */
  nameLength: 256,
  /** Characters in a compression option string (quantize mode). */
  optionLength: 64,
  /** Examples a job reads (`limit`). */
  examples: 10_000_000,
  batchSize: 65_536,
  sessions: 64,
  intraOpNumThreads: 256,
  calibrationLimit: 65_536,
  /** Output names a batch-infer job writes. */
  outputs: 256,
  /** Class names an evaluate job maps. */
  labels: 65_536,
  /** Node names a compress job excludes. */
  exclude: 65_536,
  /** Compressed variants a distill job makes. */
  variants: 8,
  vocabSize: 250_000,
  maxLength: 4096,
  dModel: 4096,
  heads: 64,
  layers: 48,
  ffDim: 16_384,
  epochs: 1000,
  /** Embedding rows and width of a hashed n-gram bag student. */
  buckets: 4_194_304,
  dim: 1024,
  learningRate: 10,
  temperature: 100,
} as const;

export type JobLimit = keyof typeof JOB_LIMITS;

/** A positive integer at most JOB_LIMITS[limit]; the message names the bound (the path names the field). */
export function boundedInt(limit: JobLimit) {
  const max = JOB_LIMITS[limit];
  return z.number().int().positive().max(max, `must be at most ${max}`);
}

/** A string of 1 to JOB_LIMITS[limit] characters. */
export function boundedString(limit: 'fileRefLength' | 'nameLength' | 'optionLength', emptyMessage?: string) {
  const max = JOB_LIMITS[limit];
  return z.string().min(1, emptyMessage).max(max, `must be at most ${max} characters`);
}

/** An array of at most JOB_LIMITS[limit] items. */
export function boundedArray<T extends z.ZodType>(item: T, limit: 'outputs' | 'labels' | 'exclude' | 'variants') {
  const max = JOB_LIMITS[limit];
  return z.array(item).max(max, `must have at most ${max} items`);
}
