import { BAG_DEFAULTS, TEACHER_TOKEN_BAG_DEFAULTS, countParameters, DEFAULTS, STUDENT_SIZE, TEACHER_SIZE, type ModelSize } from '@pare/distill';
import { PareError } from '@pare/errors';
import type { DistillSpec, JobSpec } from './jobSpec';

// A rough memory estimate of a job, checked at admission against the origin's budget (maxJobMemoryBytes), so a
// job that could not fit is refused before it runs; while it runs, the runner watches its process's resident
// memory against the same budget (./jobRunner.ts). Only distill has sizes the spec sets; the other jobs are
// bounded by the wire's limits (packages/clients/src/wire/jobLimits.ts) and the model files they name.

const FLOAT_BYTES = 4;
/** Weights, their gradients and Adam's two moments. */
const TRAINING_COPIES = 4;
/** The forward activations kept for the backward pass, and their gradients. */
const ACTIVATION_COPIES = 2;

export const DEFAULT_JOB_MEMORY_BYTES = 8 * 1024 ** 3;

/** Bytes the job is expected to need at its peak; 0 for jobs whose size the spec does not set. */
export function estimateJobMemory(spec: JobSpec): number {
  return spec.type === 'distill' ? estimateDistillMemory(spec) : 0;
}

/**
 * Each encoder trained here (the teacher unless it is an ONNX file, and the student): its parameters times the
 * training copies, plus per layer and token the attention and feed-forward activations of one batch. An ONNX
 * teacher's tokenizer is only read when the job runs; its vocabSize and maxLength are taken as the spec's here.
 */
export function estimateDistillMemory(spec: DistillSpec): number {
  const sequence = { vocabSize: spec.vocabSize ?? DEFAULTS.vocabSize, maxLength: spec.maxLength ?? DEFAULTS.maxLength };
  const batch = spec.batchSize ?? DEFAULTS.batchSize;
  const bag = spec.student && 'family' in spec.student ? spec.student : undefined;
  const sizes: ModelSize[] = bag ? [] : [{ ...STUDENT_SIZE, ...(spec.student && !('family' in spec.student) ? spec.student.size : {}) }];
  if (spec.teacher === 'train') sizes.push(TEACHER_SIZE);
  else if (typeof spec.teacher === 'object') sizes.push({ ...TEACHER_SIZE, ...spec.teacher.size });
  // A bag student: its table and linear layer, no activations to speak of (the wider of the two features' default widths).
  const bagBytes = bag ? FLOAT_BYTES * TRAINING_COPIES * ((bag.buckets ?? BAG_DEFAULTS.buckets) * (bag.dim ?? Math.max(BAG_DEFAULTS.dim, TEACHER_TOKEN_BAG_DEFAULTS.dim))) : 0;
  return bagBytes + sizes.reduce((total, size) => {
    const parameters = countParameters({ ...size, ...sequence, numLabels: 2 });
    // q, k, v, attention output, two layer norms and residuals; the feed-forward hidden; the score matrices.
    const perTokenPerLayer = 8 * size.dModel + 2 * size.ffDim + 2 * size.heads * sequence.maxLength;
    const activations = batch * sequence.maxLength * (size.dModel + size.layers * perTokenPerLayer);
    return total + FLOAT_BYTES * (TRAINING_COPIES * parameters + ACTIVATION_COPIES * activations);
  }, 0);
}

/** Throws `job_spec_invalid` (400) saying the estimate and the budget when the job would need more. */
export function checkJobMemory(spec: JobSpec, budgetBytes: number): void {
  const estimate = estimateJobMemory(spec);
  if (estimate <= budgetBytes) return;
  const why = `the ${spec.type} job needs about ${formatBytes(estimate)} by this origin's estimate (weights, gradients and Adam state plus activations), `
    + `over its budget of ${formatBytes(budgetBytes)} per job (PARE_JOB_MEMORY_BYTES); use a smaller batchSize, maxLength, vocabSize or model size`;
  throw new PareError('job_spec_invalid', `Invalid job spec: ${why}.`, {
    status: 400,
    details: { field: '(body)', estimateBytes: estimate, budgetBytes, issues: [{ field: '(body)', message: why }] },
  });
}

function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
