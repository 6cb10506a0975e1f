// Sample size per variant to detect a given minimum effect with a two-sided test at level alpha and the
// given power (normal approximation, as every A/B planning calculator uses).
import { normalQuantile } from './distributions';

export interface PowerOptions {
  /** Two-sided significance level; default 0.05. */
  alpha?: number;
  /** Probability of detecting the effect when it is there; default 0.8. */
  power?: number;
}

/**
 * Per-group n to tell p_a from p_a + delta (Fleiss, Levin & Paik, Statistical Methods for Rates and
 * Proportions, 3rd ed., eq. 4.14, without continuity correction):
 * n = (z_{α/2}·√(2·p̄·q̄) + z_β·√(p_a·q_a + p_b·q_b))² / δ².
 */
export function sampleSizeTwoProportions(pA: number, delta: number, options: PowerOptions = {}): number {
  const pB = pA + delta;
  if (!(pA >= 0 && pA <= 1 && pB >= 0 && pB <= 1) || delta === 0) {
    throw new RangeError(`sampleSizeTwoProportions needs 0 ≤ p ≤ 1 on both sides and a non-zero effect, got p=${pA}, effect=${delta}`);
  }
  const { za, zb } = critical(options);
  const pBar = (pA + pB) / 2;
  const root = za * Math.sqrt(2 * pBar * (1 - pBar)) + zb * Math.sqrt(pA * (1 - pA) + pB * (1 - pB));
  return Math.ceil((root * root) / (delta * delta));
}

/** Per-group n to detect a difference of means delta with per-group standard deviations sdA, sdB. */
export function sampleSizeTwoMeans(sdA: number, sdB: number, delta: number, options: PowerOptions = {}): number {
  if (!(sdA >= 0 && sdB >= 0) || !(Math.abs(delta) > 0)) throw new RangeError(`sampleSizeTwoMeans needs non-negative sds and a non-zero effect, got ${sdA}, ${sdB}, ${delta}`);
  const { za, zb } = critical(options);
  return Math.max(2, Math.ceil(((za + zb) ** 2 * (sdA * sdA + sdB * sdB)) / (delta * delta)));
}

function critical(options: PowerOptions): { za: number; zb: number } {
  const alpha = options.alpha ?? 0.05;
  const power = options.power ?? 0.8;
  if (!(alpha > 0 && alpha < 1) || !(power > 0 && power < 1)) throw new RangeError(`alpha and power must lie in (0, 1), got ${alpha} and ${power}`);
  return { za: normalQuantile(1 - alpha / 2), zb: normalQuantile(power) };
}
