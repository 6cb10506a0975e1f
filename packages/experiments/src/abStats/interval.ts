// The shape every interval in the A/B report shares.

export interface Interval {
  /** Point estimate. */
  estimate: number;
  lower: number;
  upper: number;
  /** Confidence level, e.g. 0.95. */
  confidence: number;
}

/** True when the interval lies entirely on one side of zero. */
export function excludesZero(i: Interval): boolean {
  return i.lower > 0 || i.upper < 0;
}
