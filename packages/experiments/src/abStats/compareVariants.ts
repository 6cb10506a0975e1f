// The whole A/B comparison of two variants from what D1 holds: latency histograms, error counts and
// labelled requests. Pure; the edge route and the CLI only fetch and print.
import type { AbReport, VariantFigures, VariantSample } from './abReport';
import { bootstrapMedianDifference } from './bootstrapMedian';
import { accuracyGuardrail, errorRateGuardrail, type GuardrailMargins } from './guardrail';
import { planFixedHorizon, type MinimumEffect } from './fixedHorizon';
import { assertHistogram, binnedSummary, histogramQuantile, histogramTotal, type LatencyHistogram } from './histogram';
import type { Interval } from './interval';
import { newcombeDifference, wilsonInterval } from './proportions';
import { relativeChangeOfMeans } from './relativeChange';
import type { SampleRatioCheck } from './sampleRatioMismatch';
import { comparePerUnit } from './unitClusters';
import { verdictText } from './verdict';
import { welchInterval } from './welch';

export interface CompareOptions {
  confidence?: number;
  power?: number;
  minimumEffect?: Partial<MinimumEffect>;
  seed?: number;
  replicates?: number;
  /** Guardrail margins in points; accuracy defaults to the minimum accuracy effect, error rate to 1 pt. */
  guardrails?: Partial<GuardrailMargins>;
  /** The split check over every weighted variant (sampleRatioMismatch), computed by the caller. */
  sampleRatio?: SampleRatioCheck | null;
}

/** Compare b (the candidate, e.g. int8) against a (the baseline, e.g. fp32). */
export function compareVariants(a: VariantSample, b: VariantSample, options: CompareOptions = {}): AbReport {
  assertHistogram(a.histogram, a.name);
  assertHistogram(b.histogram, b.name);
  const confidence = options.confidence ?? 0.95;
  const minimumEffect: MinimumEffect = { latencyPct: options.minimumEffect?.latencyPct ?? 5, accuracyPt: options.minimumEffect?.accuracyPt ?? 1 };
  if (!(minimumEffect.latencyPct > 0) || !(minimumEffect.accuracyPt > 0)) throw new RangeError('minimum effects must be positive (latency in %, accuracy in points)');
  const summaryA = binnedSummary(a.histogram);
  const summaryB = binnedSummary(b.histogram);
  const enough = summaryA.n >= 2 && summaryB.n >= 2;

  const figures = (v: VariantSample): VariantFigures => {
    const requests = histogramTotal(v.histogram);
    return {
      name: v.name,
      requests,
      errors: v.errors,
      errorRate: requests > 0 ? wilsonInterval(v.errors, requests, confidence) : null,
      meanMs: requests > 0 ? binnedSummary(v.histogram).mean : null,
      medianMs: requests > 0 ? histogramQuantile(v.histogram, 0.5) : null,
      labelled: v.labelled,
      accuracy: v.labelled.total > 0 ? wilsonInterval(v.labelled.correct, v.labelled.total, confidence) : null,
    };
  };
  const fa = figures(a);
  const fb = figures(b);

  const design = planFixedHorizon({
    latencyA: summaryA,
    latencyB: summaryB,
    labelledA: a.labelled,
    labelledB: b.labelled,
    minimumEffect,
    power: { alpha: 1 - confidence, power: options.power ?? 0.8 },
  });

  const errorRateDifference = fa.requests > 0 && fb.requests > 0 ? newcombeDifference({ successes: a.errors, n: fa.requests }, { successes: b.errors, n: fb.requests }, confidence) : null;
  const accuracyDifference =
    a.labelled.total > 0 && b.labelled.total > 0 ? newcombeDifference({ successes: a.labelled.correct, n: a.labelled.total }, { successes: b.labelled.correct, n: b.labelled.total }, confidence) : null;
  const perUnit = a.units && b.units ? comparePerUnit(a.units, b.units, confidence) : null;
  const margins: GuardrailMargins = { accuracyPt: options.guardrails?.accuracyPt ?? minimumEffect.accuracyPt, errorRatePt: options.guardrails?.errorRatePt ?? 1 };

  const report: Omit<AbReport, 'verdict'> = {
    a: fa,
    b: fb,
    confidence,
    latency: {
      meanDifferenceMs: enough ? welchInterval(summaryA, summaryB, confidence) : null,
      meanRelativeChangePct: enough ? relativeChangeOfMeans(summaryA, summaryB, confidence) : null,
      median: fa.requests > 0 && fb.requests > 0 ? bootstrapMedianDifference(a.histogram, b.histogram, { confidence, seed: options.seed, replicates: options.replicates }) : null,
    },
    errorRateDifference,
    accuracyDifference,
    perUnit,
    sampleRatio: options.sampleRatio ?? null,
    // The error guardrail reads the per-unit interval where there is one: it is the honest width.
    guardrails: [accuracyGuardrail(accuracyDifference, margins.accuracyPt), errorRateGuardrail(perUnit?.errorRateDifference ?? errorRateDifference, margins.errorRatePt)],
    design,
    status: fa.requests === 0 || fb.requests === 0 ? 'no_traffic' : design.latency.reached ? 'complete' : 'collecting',
  };
  return { ...report, verdict: verdictText(report) };
}
