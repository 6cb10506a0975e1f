// Relative change of means in percent, (mean_b / mean_a − 1) × 100, with an interval from the delta method
// on the log ratio: log is where the ratio's sampling distribution is close to normal, and exponentiating
// back keeps the interval inside (−100 %, ∞), which a difference divided by mean_a would not.
import { zCritical } from './distributions';
import type { SampleSummary } from './histogram';
import type { Interval } from './interval';

export function relativeChangeOfMeans(a: SampleSummary, b: SampleSummary, confidence = 0.95): Interval {
  if (!(a.mean > 0 && b.mean > 0) || a.n < 2 || b.n < 2) return { estimate: Number.NaN, lower: Number.NaN, upper: Number.NaN, confidence };
  const logRatio = Math.log(b.mean / a.mean);
  const se = Math.sqrt(a.variance / (a.n * a.mean * a.mean) + b.variance / (b.n * b.mean * b.mean));
  const z = zCritical(confidence);
  const pct = (x: number): number => (Math.exp(x) - 1) * 100;
  return { estimate: pct(logRatio), lower: pct(logRatio - z * se), upper: pct(logRatio + z * se), confidence };
}
