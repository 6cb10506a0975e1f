// Welch's t interval for the difference of two means with unequal variances (Welch 1947,
// Welch–Satterthwaite degrees of freedom). Latency variances differ a lot between variants, so the pooled
// Student interval would be wrong here.
import { studentTQuantile } from './distributions';
import type { SampleSummary } from './histogram';
import type { Interval } from './interval';

export interface WelchInterval extends Interval {
  standardError: number;
  degreesOfFreedom: number;
  /** t statistic of (b − a) against zero. */
  t: number;
}

/** Interval for mean(b) − mean(a). Needs n ≥ 2 in each sample. */
export function welchInterval(a: SampleSummary, b: SampleSummary, confidence = 0.95): WelchInterval {
  if (a.n < 2 || b.n < 2) throw new RangeError(`welchInterval needs at least 2 observations per sample, got ${a.n} and ${b.n}`);
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se = Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const estimate = b.mean - a.mean;
  // Zero spread in both (every value in one bucket): the difference is known exactly.
  if (se === 0) return { estimate, lower: estimate, upper: estimate, confidence, standardError: 0, degreesOfFreedom: a.n + b.n - 2, t: estimate === 0 ? 0 : Math.sign(estimate) * Infinity };
  const q = studentTQuantile(1 - (1 - confidence) / 2, df);
  return { estimate, lower: estimate - q * se, upper: estimate + q * se, confidence, standardError: se, degreesOfFreedom: df, t: estimate / se };
}

/** Mean, sample variance and n of raw values (for tests and for callers that hold raw latencies). */
export function summarize(values: readonly number[]): SampleSummary {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  return { n, mean, variance };
}

/** The same from n, Σx and Σx² (what D1 sums for per-request figures such as a generation's tokens/s). */
export function summaryOfMoments(n: number, sum: number, sumOfSquares: number): SampleSummary {
  if (n === 0) return { n: 0, mean: Number.NaN, variance: Number.NaN };
  const mean = sum / n;
  // Rounding can leave Σx² − n·mean² a hair below zero when every value is the same.
  return { n, mean, variance: n > 1 ? Math.max(0, (sumOfSquares - n * mean * mean) / (n - 1)) : Number.NaN };
}
