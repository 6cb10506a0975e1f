// A decision threshold for a target false-positive rate, chosen on validation: the lowest score for the
// positive label at which no more than `targetFpr` of the validation negatives would be flagged.

export interface ChosenThreshold {
  /** Score of the positive label at or above which it is the answer. */
  score: number;
  /** False-positive and true-positive rates on validation at that score. */
  falsePositiveRate: number;
  truePositiveRate: number;
}

const SCORE_MARGIN = 1e-6;

export function thresholdForFpr(positiveScores: ArrayLike<number>, isPositive: ArrayLike<number | boolean>, targetFpr: number): ChosenThreshold {
  if (!(targetFpr >= 0 && targetFpr < 1)) throw new RangeError(`target false-positive rate must be in [0, 1), got ${targetFpr}`);
  const neg: number[] = [], pos: number[] = [];
  for (let i = 0; i < positiveScores.length; i++) (isPositive[i] ? pos : neg).push(positiveScores[i]!);
  neg.sort((a, b) => b - a);
  const allowed = Math.floor(targetFpr * neg.length);
  // Just above the (allowed + 1)-th highest negative score (a margin for float32 logits read back in float64);
  // never below one half, the argmax decision.
  const above = neg[allowed];
  const score = Math.min(1, Math.max(0.5, above === undefined ? 0 : above + SCORE_MARGIN));
  const fp = neg.filter((s) => s >= score).length, tp = pos.filter((s) => s >= score).length;
  return { score, falsePositiveRate: fp / Math.max(1, neg.length), truePositiveRate: tp / Math.max(1, pos.length) };
}
