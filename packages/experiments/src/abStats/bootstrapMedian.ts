// Bootstrap over histogram buckets for the difference (and ratio) of medians. Resampling n requests from a
// histogram is a multinomial draw over its buckets, so a replicate costs one pass over ~25 buckets however
// many requests the window holds. Percentile intervals; seeded, so a refresh shows the same numbers.
import { assertHistogram, histogramQuantile, histogramTotal, type LatencyHistogram } from './histogram';
import type { Interval } from './interval';
import { multinomialDraw, seededRandom } from './prng';

export interface MedianComparison {
  medianA: number;
  medianB: number;
  /** median(b) − median(a), ms. */
  difference: Interval;
  /** (median(b) / median(a) − 1) × 100: the relative change in percent. */
  relativeChangePct: Interval;
  replicates: number;
  seed: number;
}

export interface BootstrapOptions {
  confidence?: number;
  replicates?: number;
  seed?: number;
}

/** Compare medians of two histograms with the same bounds. Both must hold at least one request. */
export function bootstrapMedianDifference(a: LatencyHistogram, b: LatencyHistogram, options: BootstrapOptions = {}): MedianComparison {
  assertHistogram(a, 'a');
  assertHistogram(b, 'b');
  const confidence = options.confidence ?? 0.95;
  // 1,000 replicates: percentile bounds settle to within a few % of their width, and a comparison over a
  // week of traffic stays near 5 ms of CPU (the free Workers plan allows 10 ms per request).
  const replicates = options.replicates ?? 1000;
  const seed = options.seed ?? 20261128;
  const na = histogramTotal(a);
  const nb = histogramTotal(b);
  if (na === 0 || nb === 0) throw new RangeError(`bootstrapMedianDifference needs requests in both histograms, got ${na} and ${nb}`);
  const pa = a.counts.map((c) => c / na);
  const pb = b.counts.map((c) => c / nb);
  const random = seededRandom(seed);
  const diffs = new Float64Array(replicates);
  const ratios = new Float64Array(replicates);
  for (let r = 0; r < replicates; r++) {
    const ma = histogramQuantile({ bounds: a.bounds, counts: multinomialDraw(random, na, pa) }, 0.5);
    const mb = histogramQuantile({ bounds: b.bounds, counts: multinomialDraw(random, nb, pb) }, 0.5);
    diffs[r] = mb - ma;
    ratios[r] = ma > 0 ? (mb / ma - 1) * 100 : Number.NaN;
  }
  const medianA = histogramQuantile(a, 0.5);
  const medianB = histogramQuantile(b, 0.5);
  const alpha = 1 - confidence;
  return {
    medianA,
    medianB,
    difference: { estimate: medianB - medianA, ...percentiles(diffs, alpha), confidence },
    relativeChangePct: { estimate: medianA > 0 ? (medianB / medianA - 1) * 100 : Number.NaN, ...percentiles(ratios, alpha), confidence },
    replicates,
    seed,
  };
}

/** alpha/2 and 1 − alpha/2 empirical quantiles (type 7 interpolation, as R's default). */
function percentiles(values: Float64Array, alpha: number): { lower: number; upper: number } {
  const sorted = Float64Array.from(values.filter((v) => !Number.isNaN(v))).sort();
  if (sorted.length === 0) return { lower: Number.NaN, upper: Number.NaN };
  const at = (q: number): number => {
    const h = (sorted.length - 1) * q;
    const lo = Math.floor(h);
    const hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
  };
  return { lower: at(alpha / 2), upper: at(1 - alpha / 2) };
}
