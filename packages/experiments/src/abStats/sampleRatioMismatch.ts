// Sample-ratio mismatch: do the variants' shares of assigned traffic match their weights? A split that
// does not (a redirect that drops one side, a bot hitting one variant, a crash before the event is sent)
// biases every other figure, so the page says so before anything else. Pearson's chi-square goodness of fit,
// flagged at p < 0.001 as experiment platforms do: with a check on every refresh, 0.05 would cry wolf.
import { chiSquareSurvival } from './distributions';

export interface SampleRatioCheck {
  /** Variants with weight > 0, their observed and expected counts. */
  variants: Array<{ name: string; weight: number; observed: number; expected: number }>;
  chiSquare: number;
  pValue: number;
  /** True when p < threshold: the split is not what the weights ask for. */
  mismatch: boolean;
  threshold: number;
}

export const SRM_THRESHOLD = 0.001;

/** Null when fewer than two variants have weight or nothing was observed. */
export function sampleRatioMismatch(observed: Readonly<Record<string, number>>, weights: Readonly<Record<string, number>>, threshold = SRM_THRESHOLD): SampleRatioCheck | null {
  const weighted = Object.entries(weights).filter(([, w]) => w > 0).sort(([a], [b]) => a.localeCompare(b));
  const totalWeight = weighted.reduce((s, [, w]) => s + w, 0);
  const n = weighted.reduce((s, [name]) => s + (observed[name] ?? 0), 0);
  if (weighted.length < 2 || n === 0) return null;
  const variants = weighted.map(([name, weight]) => ({ name, weight, observed: observed[name] ?? 0, expected: (n * weight) / totalWeight }));
  const chiSquare = variants.reduce((s, v) => s + (v.observed - v.expected) ** 2 / v.expected, 0);
  const pValue = chiSquareSurvival(chiSquare, variants.length - 1);
  return { variants, chiSquare, pValue, mismatch: pValue < threshold, threshold };
}
