import { z } from 'zod';
import { PareError } from '@pare/errors';
import { checkCompressOptions, type CompressOptions } from '@pare/compress';
import { batchInferSpecWire, compressedVariantWire, compressSpecWire, distillSpecWireWith, evaluateSpecWire, JOB_TYPES, type compressOptionsWire, type JobSpec, type JobType } from '@pare/clients/wire';

// Job specs: what `POST /jobs` accepts, checked once here so handlers can trust their input. The shape is the
// wire's (packages/clients/src/wire/jobSpecWire.ts); the origin's own checks are added here: compression
// options through @pare/compress, and variant names that clash with the job's artifacts.

export { EXECUTION_PROVIDERS, JOB_TYPES } from '@pare/clients/wire';
export type { BatchInferSpec, CompressSpec, DistillSpec, EvaluateSpec, JobSpec, JobType, PublishTarget, SpecOf } from '@pare/clients/wire';

const compressSpec = compressSpecWire.superRefine((spec, ctx) => {
  if (checkCompressOptionsInto(spec.options, ctx) === 'int8-static' && !spec.calibration) {
    ctx.addIssue({ code: 'custom', path: ['calibration'], message: 'int8-static needs calibration examples (a JSONL file like batch-infer data)' });
  }
});

/**
 * Run @pare/compress's own option check at submission, so a bad option is a 400 rather than a failed job.
 * Returns the quantization mode when the options are valid.
 */
function checkCompressOptionsInto(options: z.output<typeof compressOptionsWire>, ctx: z.RefinementCtx): CompressOptions['quantize'] | 'invalid' {
  try {
    checkCompressOptions(options as CompressOptions);
    return (options as CompressOptions).quantize;
  } catch (error) {
    ctx.addIssue({ code: 'custom', path: ['options'], message: error instanceof Error ? error.message.replace(/\.$/, '') : String(error) });
    return 'invalid';
  }
}

const compressedVariant = compressedVariantWire.superRefine((spec, ctx) => {
  if (checkCompressOptionsInto(spec.options, ctx) === 'int8-static') {
    ctx.addIssue({ code: 'custom', path: ['options', 'quantize'], message: 'int8-static needs calibration; use int8-dynamic or int8-weights here, or a compress job' });
  }
});

const distillSpec = distillSpecWireWith(compressedVariant).superRefine((spec, ctx) => {
  // Each variant is written as <variant>.onnx beside the job's own artifacts and published under its name.
  const taken = new Map<string, string>([['student', "the distilled student's artifact"], ['teacher', "the teacher's artifact"]]);
  if (spec.publish) taken.set(spec.publish.variant, 'the name the student is published as');
  spec.variants.forEach((v, i) => {
    const clash = taken.get(v.variant);
    if (clash) ctx.addIssue({ code: 'custom', path: ['variants', i, 'variant'], message: `"${v.variant}" is already ${clash}; choose another variant name` });
    else taken.set(v.variant, `variant ${i}`);
  });
});

const jobSpecSchema = z.discriminatedUnion('type', [batchInferSpecWire, evaluateSpecWire, compressSpec, distillSpec]);

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
  return new PareError('job_spec_invalid', `Invalid job spec: ${field}: ${message}.`, {
    status: 400,
    details: { field, issues: issues.length ? issues : [{ field, message }] },
  });
}
