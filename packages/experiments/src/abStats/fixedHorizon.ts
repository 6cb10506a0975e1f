// Guard against peeking: a fixed-horizon design. The dashboard refreshes every few seconds, and stopping the
// first time a 95% interval excludes zero would make false "wins" far likelier than 5%. So the report plans a
// sample size per variant from the smallest effect the user cares about and calls the verdict provisional
// until both variants reach it; intervals before that are shown, labelled as such, never as a decision.
// (The alternative, mSPRT always-valid p-values, was not chosen: planned sizes are easier to act on — "1,900
// more labelled requests" — and the Welch/Wilson intervals shown stay the textbook ones.)
import type { SampleSummary } from './histogram';
import { sampleSizeTwoMeans, sampleSizeTwoProportions, type PowerOptions } from './sampleSize';

export interface MinimumEffect {
  /** Smallest latency change worth detecting, percent of variant a's mean; default 5. */
  latencyPct: number;
  /** Smallest accuracy loss worth detecting, percentage points; default 1. */
  accuracyPt: number;
}

export interface HorizonPart {
  /** Planned observations per variant; null when there is not yet enough data to plan (n < 2). */
  plannedPerVariant: number | null;
  observedA: number;
  observedB: number;
  /** Observations still missing, both variants together (0 once reached). */
  remaining: number | null;
  reached: boolean;
}

export interface FixedHorizonPlan {
  design: 'fixed-horizon';
  alpha: number;
  power: number;
  minimumEffect: MinimumEffect;
  latency: HorizonPart;
  accuracy: HorizonPart;
  /** What the page says about the design, in words. */
  explanation: string;
}

/** When accuracy has too few labels to estimate it, plan for p = 0.5 (the largest variance): never too few. */
const ACCURACY_PLANNING_MIN_LABELS = 30;

export function planFixedHorizon(input: {
  latencyA: SampleSummary;
  latencyB: SampleSummary;
  labelledA: { correct: number; total: number };
  labelledB: { correct: number; total: number };
  minimumEffect: MinimumEffect;
  power?: PowerOptions;
}): FixedHorizonPlan {
  const alpha = input.power?.alpha ?? 0.05;
  const power = input.power?.power ?? 0.8;
  const { latencyA, latencyB, labelledA, labelledB, minimumEffect } = input;

  let latencyPlan: number | null = null;
  if (latencyA.n >= 2 && latencyB.n >= 2 && latencyA.mean > 0) {
    const delta = (minimumEffect.latencyPct / 100) * latencyA.mean;
    latencyPlan = sampleSizeTwoMeans(Math.sqrt(latencyA.variance), Math.sqrt(latencyB.variance), delta, { alpha, power });
  }
  const pA = labelledA.total >= ACCURACY_PLANNING_MIN_LABELS ? labelledA.correct / labelledA.total : 0.5;
  // A loss is detected from either side of 0.5 alike; flip so that p − δ stays inside [0, 1].
  const lossDelta = -minimumEffect.accuracyPt / 100;
  const accuracyPlan = sampleSizeTwoProportions(pA + lossDelta < 0 ? 1 - pA : pA, lossDelta, { alpha, power });

  return {
    design: 'fixed-horizon',
    alpha,
    power,
    minimumEffect,
    latency: part(latencyPlan, latencyA.n, latencyB.n),
    accuracy: part(accuracyPlan, labelledA.total, labelledB.total),
    explanation:
      `Fixed-horizon design: the sample size per variant is planned to detect a ${minimumEffect.latencyPct}% latency change ` +
      `or a ${minimumEffect.accuracyPt}-pt accuracy loss (two-sided α = ${Number(alpha.toFixed(4))}, power ${Math.round(power * 100)}%). ` +
      'Intervals shown before a variant reaches it are provisional: decide only at the planned size, not the first time an interval excludes zero.',
  };
}

function part(planned: number | null, a: number, b: number): HorizonPart {
  if (planned === null) return { plannedPerVariant: null, observedA: a, observedB: b, remaining: null, reached: false };
  const remaining = Math.max(0, planned - a) + Math.max(0, planned - b);
  return { plannedPerVariant: planned, observedA: a, observedB: b, remaining, reached: remaining === 0 };
}
