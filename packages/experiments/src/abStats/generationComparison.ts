// The A/B comparison of two generative variants: time to first token (from its fixed-bucket histograms), decode
// tokens/s and tokens per request (from per-request moments), each as a Welch interval of the difference of means
// and a delta-method interval of their relative change, the same methods as the latency comparison.
import { binnedSummary, histogramQuantile, histogramTotal, type LatencyHistogram, type SampleSummary } from './histogram';
import type { Interval } from './interval';
import { relativeChangeOfMeans } from './relativeChange';
import { welchInterval, type WelchInterval } from './welch';

export interface GenerationSample {
  name: string;
  /** Time to first token, ms, with the latency bucket bounds. */
  ttft: LatencyHistogram;
  tokensPerSecond: SampleSummary;
  tokensPerRequest: SampleSummary;
}

export interface MeanComparison {
  n: { a: number; b: number };
  meanA: number | null;
  meanB: number | null;
  /** mean(b) − mean(a); null below two observations in either. */
  difference: WelchInterval | null;
  /** (mean(b) / mean(a) − 1) × 100. */
  relativeChangePct: Interval | null;
}

export interface GenerationComparison {
  confidence: number;
  ttftMs: MeanComparison & { medianA: number | null; medianB: number | null };
  tokensPerSecond: MeanComparison;
  tokensPerRequest: MeanComparison;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

function compareMeans(a: SampleSummary, b: SampleSummary, confidence: number): MeanComparison {
  const enough = a.n >= 2 && b.n >= 2;
  return {
    n: { a: a.n, b: b.n },
    meanA: finite(a.mean),
    meanB: finite(b.mean),
    difference: enough ? welchInterval(a, b, confidence) : null,
    relativeChangePct: enough && a.mean > 0 && b.mean > 0 ? relativeChangeOfMeans(a, b, confidence) : null,
  };
}

/** Compare b (the candidate) against a (the baseline). */
export function compareGeneration(a: GenerationSample, b: GenerationSample, confidence = 0.95): GenerationComparison {
  const median = (h: LatencyHistogram): number | null => (histogramTotal(h) > 0 ? histogramQuantile(h, 0.5) : null);
  return {
    confidence,
    ttftMs: { ...compareMeans(binnedSummary(a.ttft), binnedSummary(b.ttft), confidence), medianA: median(a.ttft), medianB: median(b.ttft) },
    tokensPerSecond: compareMeans(a.tokensPerSecond, b.tokensPerSecond, confidence),
    tokensPerRequest: compareMeans(a.tokensPerRequest, b.tokensPerRequest, confidence),
  };
}
