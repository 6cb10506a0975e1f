// Sample-ratio mismatch: do the variants' shares of assigned traffic match their weights? A split that
// does not (a redirect that drops one side, a bot hitting one variant, a crash before the event is sent)
// biases every other figure, so the verdict says so before the comparison. Flagged at p < 0.001 as experiment
// platforms do: with a check on every refresh, 0.05 would cry wolf.
// Assignment randomises units, not requests, and a unit sends many requests: with unit buckets (unitClusters.ts)
// the test is a Wald test of the shares with a cluster-robust covariance over the buckets, so a few busy units
// landing on one side do not read as a broken split; without them, Pearson's chi-square on request counts.
import { chiSquareSurvival } from './distributions';

export interface SampleRatioCheck {
  /** Variants with weight > 0, their observed and expected requests. */
  variants: Array<{ name: string; weight: number; observed: number; expected: number }>;
  /** The test statistic (chi-square distributed with variants − 1 degrees of freedom under a sound split). */
  chiSquare: number;
  pValue: number;
  /** True when p < threshold: the split is not what the weights ask for. */
  mismatch: boolean;
  threshold: number;
  /** 'units': cluster-robust over unit buckets; 'requests': Pearson on request counts. */
  basis: 'units' | 'requests';
}

export const SRM_THRESHOLD = 0.001;

/** Below this many unit buckets with traffic the cluster covariance is too rough: fall back to requests. */
const MIN_CLUSTERS = 10;

/**
 * `clusters`: per unit bucket, its assigned requests per variant. Null when fewer than two variants have
 * weight or nothing was observed.
 */
export function sampleRatioMismatch(
  observed: Readonly<Record<string, number>>,
  weights: Readonly<Record<string, number>>,
  options: { threshold?: number; clusters?: ReadonlyArray<Readonly<Record<string, number>>> } = {},
): SampleRatioCheck | null {
  const threshold = options.threshold ?? SRM_THRESHOLD;
  const weighted = Object.entries(weights).filter(([, w]) => w > 0).sort(([a], [b]) => a.localeCompare(b));
  const totalWeight = weighted.reduce((s, [, w]) => s + w, 0);
  const n = weighted.reduce((s, [name]) => s + (observed[name] ?? 0), 0);
  if (weighted.length < 2 || n === 0) return null;
  const variants = weighted.map(([name, weight]) => ({ name, weight, observed: observed[name] ?? 0, expected: (n * weight) / totalWeight }));
  const clustered = options.clusters ? clusterWald(variants, options.clusters) : null;
  const chiSquare = clustered ?? variants.reduce((s, v) => s + (v.observed - v.expected) ** 2 / v.expected, 0);
  const pValue = chiSquareSurvival(chiSquare, variants.length - 1);
  return { variants, chiSquare, pValue, mismatch: pValue < threshold, threshold, basis: clustered === null ? 'requests' : 'units' };
}

/** Wald statistic of the first k − 1 shares against the weights, covariance by the delta method over clusters. */
function clusterWald(variants: ReadonlyArray<{ name: string; weight: number; observed: number }>, clusters: ReadonlyArray<Readonly<Record<string, number>>>): number | null {
  const names = variants.map((v) => v.name);
  const rows = clusters.map((c) => names.map((name) => c[name] ?? 0)).filter((r) => r.some((x) => x > 0));
  const k = rows.length;
  if (k < MIN_CLUSTERS) return null;
  const total = rows.reduce((s, r) => s + r.reduce((a, b) => a + b, 0), 0);
  const totalWeight = variants.reduce((s, v) => s + v.weight, 0);
  const m = names.length - 1;
  const share = names.map((_, j) => rows.reduce((s, r) => s + r[j]!, 0) / total);
  const residuals = rows.map((r) => {
    const size = r.reduce((a, b) => a + b, 0);
    return r.slice(0, m).map((y, j) => y - share[j]! * size);
  });
  const cov = Array.from({ length: m }, (_, a) => Array.from({ length: m }, (_, b) => (residuals.reduce((s, e) => s + e[a]! * e[b]!, 0) / (total * total)) * (k / (k - 1))));
  const diff = share.slice(0, m).map((p, j) => p - variants[j]!.weight / totalWeight);
  const solved = solve(cov, diff);
  return solved === null ? null : diff.reduce((s, d, j) => s + d * solved[j]!, 0);
}

/** x with A x = b (Gaussian elimination with partial pivoting); null when A is singular. */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) < 1e-15) return null;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}
