import { z } from 'zod';

// Bodies of the edge's public read API (apps/edge/src/routes/models.ts and ab.ts).

const VARIANT_STATUSES = ['healthy', 'unhealthy'] as const;

const variantInfoWire = z.object({
  name: z.string(),
  sha256: z.string(),
  bytes: z.number(),
  weight: z.number(),
  /** Public, so without the reason of an unhealthy status (the dashboard shows it). */
  status: z.enum(VARIANT_STATUSES),
  /** ISO 8601. */
  createdAt: z.string(),
});
export type VariantInfo = z.infer<typeof variantInfoWire>;

const modelInfoWire = z.object({
  name: z.string(),
  task: z.string(),
  deploymentVersion: z.number(),
  variants: z.array(variantInfoWire),
});
export type ModelInfo = z.infer<typeof modelInfoWire>;

/** GET /v1/models */
export const modelsResponseWire = z.object({ models: z.array(modelInfoWire) });
export type ModelsResponse = z.infer<typeof modelsResponseWire>;

const percentiles = { p50Ms: z.number().nullable(), p95Ms: z.number().nullable(), p99Ms: z.number().nullable() };

const variantStatsWire = z.object({
  variant: z.string(),
  weight: z.number(),
  status: z.enum(VARIANT_STATUSES),
  count: z.number(),
  /** 5xx: the variant's failures (errorRate = errors / count). */
  errors: z.number(),
  /** 4xx: callers' mistakes, never counted as the variant's errors. */
  clientErrors: z.number(),
  /** Requests that addressed the variant themselves (OIP /versions/:variant): in count, not in the A/B. */
  pinned: z.number(),
  errorRate: z.number(),
  ...percentiles,
  /** CPU time per request as Tail Workers report it; null where none was recorded. */
  cpu: z.object({ count: z.number(), ...percentiles }).nullable(),
  /** Text-generation models only: time to first token (ms), mean decode tokens/s and mean tokens per request. */
  generation: z
    .object({ generations: z.number(), ttftP50Ms: z.number().nullable(), ttftP95Ms: z.number().nullable(), tokensPerSecondMean: z.number().nullable(), tokensPerRequestMean: z.number().nullable() })
    .optional(),
});
export type VariantStats = z.infer<typeof variantStatsWire>;

/** GET /v1/models/:model/stats */
export const modelStatsWire = z.object({
  model: z.string(),
  window: z.string(),
  /** Which latency the figures are: in-isolate wall time (true locally; near zero for pure CPU work in production). */
  latencySource: z.literal('isolate'),
  /** Requests no variant could serve (503 no_healthy_variant): a model-level outage. */
  unserved: z.object({ requests: z.number() }),
  variants: z.array(variantStatsWire),
});
export type ModelStats = z.infer<typeof modelStatsWire>;

const interval = z.object({ estimate: z.number().nullable(), lower: z.number().nullable(), upper: z.number().nullable() });
export type AbInterval = z.infer<typeof interval>;

const abSide = z.object({
  name: z.string(),
  requests: z.number(),
  medianMs: z.number().nullable(),
  meanMs: z.number().nullable(),
  errorRate: interval.nullable(),
  labelled: z.object({ correct: z.number(), total: z.number() }),
  accuracy: interval.nullable(),
});

const generationMeans = z.object({
  n: z.object({ a: z.number(), b: z.number() }),
  meanA: z.number().nullable(),
  meanB: z.number().nullable(),
  difference: interval.nullable(),
  relativeChangePct: interval.nullable(),
});

/**
 * GET /v1/models/:model/ab: the fields `pare ab` reads. The edge sends more (the full report of
 * @pare/experiments); the client hands the body on as sent.
 */
export const abAnswerWire = z.object({
  model: z.string(),
  window: z.string(),
  pair: z.object({ a: z.string(), b: z.string(), chosen: z.enum(['given', 'top-traffic']) }),
  /** Tail Worker CPU time per variant; null where the Tail Worker attributed nothing to it (unavailable). */
  cpu: z.record(z.string(), z.object({ count: z.number(), p50Ms: z.number().nullable(), p95Ms: z.number().nullable() }).nullable()).optional(),
  report: z.object({
    a: abSide,
    b: abSide,
    confidence: z.number(),
    latency: z.object({
      meanDifferenceMs: interval.nullable(),
      median: z.object({ difference: interval, relativeChangePct: interval }).nullable(),
    }),
    errorRateDifference: interval.nullable(),
    accuracyDifference: interval.nullable(),
    /** Error rate and mean latency with the assignment unit as the unit of analysis. */
    perUnit: z.object({ clustersA: z.number(), clustersB: z.number(), errorRateDifference: interval.nullable(), meanLatencyDifferenceMs: interval.nullable() }).nullable().optional(),
    /** Whether the assigned traffic matches the weights (chi-square). */
    sampleRatio: z
      .object({ variants: z.array(z.object({ name: z.string(), weight: z.number(), observed: z.number(), expected: z.number() })), chiSquare: z.number(), pValue: z.number(), mismatch: z.boolean(), threshold: z.number(), basis: z.enum(['units', 'requests']).optional() })
      .nullable()
      .optional(),
    guardrails: z.array(z.object({ metric: z.string(), marginPt: z.number(), difference: interval.nullable(), status: z.enum(['failed', 'passed', 'no data']) })).optional(),
    design: z.object({
      latency: z.object({ plannedPerVariant: z.number().nullable() }),
      accuracy: z.object({ plannedPerVariant: z.number().nullable() }),
      explanation: z.string(),
    }),
    status: z.string(),
    verdict: z.string(),
  }),
  /** Text-generation models: time to first token, decode tokens/s and tokens per request, b against a; null for other tasks. */
  generation: z
    .object({
      confidence: z.number(),
      ttftMs: generationMeans.extend({ medianA: z.number().nullable(), medianB: z.number().nullable() }),
      tokensPerSecond: generationMeans,
      tokensPerRequest: generationMeans,
    })
    .nullable()
    .optional(),
});
export type AbAnswer = z.infer<typeof abAnswerWire>;

/** The query of GET /v1/models/:model/ab. */
export interface AbQuery {
  window?: string;
  /** Give both or neither (the two variants with most traffic are compared). */
  a?: string;
  b?: string;
  minEffectPt?: number | string;
  minLatencyPct?: number | string;
  /** Guardrail: the largest error-rate rise accepted, points. */
  maxErrorRisePt?: number | string;
}
