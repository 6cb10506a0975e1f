// Intervals for proportions: Wilson's score interval for one proportion, and Newcombe's hybrid score
// interval (his method 10) for a difference. Both behave at rates near 0 or 1 (error rates, accuracies),
// where the Wald interval collapses or leaves [0, 1].
import { zCritical } from './distributions';
import type { Interval } from './interval';

/** Wilson score interval for successes/n (Wilson 1927). n = 0 gives [0, 1] around NaN. */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): Interval {
  checkCounts(successes, n);
  if (n === 0) return { estimate: Number.NaN, lower: 0, upper: 1, confidence };
  const z = zCritical(confidence);
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // Clamp only float noise: mathematically the interval already lies in [0, 1].
  return { estimate: p, lower: Math.max(0, centre - half), upper: Math.min(1, centre + half), confidence };
}

/**
 * Interval for p_b − p_a from the two Wilson intervals (Newcombe 1998, "Interval estimation for the
 * difference between independent proportions", method 10).
 */
export function newcombeDifference(a: { successes: number; n: number }, b: { successes: number; n: number }, confidence = 0.95): Interval {
  if (a.n === 0 || b.n === 0) return { estimate: Number.NaN, lower: -1, upper: 1, confidence };
  const wa = wilsonInterval(a.successes, a.n, confidence);
  const wb = wilsonInterval(b.successes, b.n, confidence);
  const pa = wa.estimate;
  const pb = wb.estimate;
  const d = pb - pa;
  const lower = d - Math.sqrt((pb - wb.lower) ** 2 + (wa.upper - pa) ** 2);
  const upper = d + Math.sqrt((wb.upper - pb) ** 2 + (pa - wa.lower) ** 2);
  return { estimate: d, lower, upper, confidence };
}

function checkCounts(successes: number, n: number): void {
  if (!Number.isInteger(successes) || !Number.isInteger(n) || successes < 0 || n < 0 || successes > n) {
    throw new RangeError(`proportion needs integers 0 ≤ successes ≤ n, got ${successes}/${n}`);
  }
}
