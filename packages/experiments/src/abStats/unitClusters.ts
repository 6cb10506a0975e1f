// Analysis per unit, not per request. The unit (API key, x-pare-unit, …) is what assignment randomises, and
// one busy unit sends many correlated requests: counting requests as independent makes intervals too narrow.
// Events carry a coarse bucket of their unit (stableHash.ts `unitBucket`); every unit lies in one bucket, so
// buckets are clusters of whole units and a cluster-robust (delta-method) ratio interval over them is valid,
// if anything conservative.
import { zCritical } from './distributions';
import type { Interval } from './interval';

/** One unit bucket's traffic to one variant. */
export interface UnitCluster {
  requests: number;
  errors: number;
  /** Sum of the requests' latencies, ms. */
  latencyMsSum: number;
}

export interface PerUnitComparison {
  /** Unit buckets that sent traffic to each variant. */
  clustersA: number;
  clustersB: number;
  /** errorRate(b) − errorRate(a), as a proportion, cluster-robust. */
  errorRateDifference: Interval | null;
  /** mean latency(b) − mean latency(a), ms, cluster-robust. */
  meanLatencyDifferenceMs: Interval | null;
}

interface RatioEstimate {
  ratio: number;
  variance: number;
}

/** Σy/Σn with the linearised (delta-method) variance of a ratio over clusters; null below two clusters. */
function clusterRatio(clusters: readonly UnitCluster[], y: (c: UnitCluster) => number): RatioEstimate | null {
  const used = clusters.filter((c) => c.requests > 0);
  const k = used.length;
  if (k < 2) return null;
  const n = used.reduce((s, c) => s + c.requests, 0);
  const ratio = used.reduce((s, c) => s + y(c), 0) / n;
  const residuals = used.reduce((s, c) => s + (y(c) - ratio * c.requests) ** 2, 0);
  return { ratio, variance: (residuals / (n * n)) * (k / (k - 1)) };
}

function difference(a: RatioEstimate | null, b: RatioEstimate | null, confidence: number): Interval | null {
  if (!a || !b) return null;
  const estimate = b.ratio - a.ratio;
  const half = zCritical(confidence) * Math.sqrt(a.variance + b.variance);
  return { estimate, lower: estimate - half, upper: estimate + half, confidence };
}

export function comparePerUnit(a: readonly UnitCluster[], b: readonly UnitCluster[], confidence = 0.95): PerUnitComparison {
  const errors = (c: UnitCluster): number => c.errors;
  const latency = (c: UnitCluster): number => c.latencyMsSum;
  return {
    clustersA: a.filter((c) => c.requests > 0).length,
    clustersB: b.filter((c) => c.requests > 0).length,
    errorRateDifference: difference(clusterRatio(a, errors), clusterRatio(b, errors), confidence),
    meanLatencyDifferenceMs: difference(clusterRatio(a, latency), clusterRatio(b, latency), confidence),
  };
}
