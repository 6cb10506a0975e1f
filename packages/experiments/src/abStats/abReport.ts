// What an A/B comparison reports: the per-variant figures, the differences with their intervals, the design
// and the verdict. Its own file so that the comparison and the verdict text both read it without a circle.
import type { MedianComparison } from './bootstrapMedian';
import type { FixedHorizonPlan } from './fixedHorizon';
import type { GuardrailCheck } from './guardrail';
import type { LatencyHistogram } from './histogram';
import type { Interval } from './interval';
import type { SampleRatioCheck } from './sampleRatioMismatch';
import type { PerUnitComparison, UnitCluster } from './unitClusters';
import type { WelchInterval } from './welch';

export interface VariantSample {
  name: string;
  /** Latency histogram over the window; its total is the request count. */
  histogram: LatencyHistogram;
  /** Requests that ended in an error (counted in the histogram too). */
  errors: number;
  /** Requests with feedback: how many the variant got right out of how many were labelled. */
  labelled: { correct: number; total: number };
  /** Traffic per unit bucket, for the per-unit intervals; without it they are left out. */
  units?: readonly UnitCluster[];
}

export interface VariantFigures {
  name: string;
  requests: number;
  errors: number;
  errorRate: Interval | null;
  meanMs: number | null;
  medianMs: number | null;
  labelled: { correct: number; total: number };
  accuracy: Interval | null;
}

export type AbStatus = 'no_traffic' | 'collecting' | 'complete';

export interface AbReport {
  a: VariantFigures;
  b: VariantFigures;
  confidence: number;
  latency: {
    /** mean(b) − mean(a), ms (Welch on binned means). */
    meanDifferenceMs: WelchInterval | null;
    /** (mean(b)/mean(a) − 1) × 100. */
    meanRelativeChangePct: Interval | null;
    /** Medians by bootstrap over the histogram buckets. */
    median: MedianComparison | null;
  };
  /** errorRate(b) − errorRate(a), as a proportion. */
  errorRateDifference: Interval | null;
  /** accuracy(b) − accuracy(a) on labelled requests, as a proportion. */
  accuracyDifference: Interval | null;
  /** Error rate and mean latency with the unit (bucket) as the unit of analysis. */
  perUnit: PerUnitComparison | null;
  /** Whether the assigned traffic matches the weights (all weighted variants of the model). */
  sampleRatio: SampleRatioCheck | null;
  /** Accuracy and error-rate guardrails, judged before speed. */
  guardrails: GuardrailCheck[];
  design: FixedHorizonPlan;
  status: AbStatus;
  verdict: string;
}
