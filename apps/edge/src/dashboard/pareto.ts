// The Pareto front of a model's variants: a variant is dominated when another is at least as good on every
// axis and better on one, so keeping it buys nothing. The axes are those every compared variant has: size
// always; held-out accuracy, p50 latency and error rate only when no compared variant lacks them (a missing
// figure is unknown, and comparing on a subset per pair would rank variants on different grounds). Failing
// variants (unhealthy, or most requests ending in errors) are left out and shown apart: a variant that fails
// fast would otherwise "win" on latency.

export interface ParetoPoint {
  variant: string;
  bytes: number;
  accuracy: number | null;
  latencyMs: number | null;
  errorRate: number | null;
  /** Why the variant is failing, or null when it serves. */
  failing: string | null;
}

export type ParetoAxis = 'size' | 'accuracy' | 'latency' | 'errors';

export interface ParetoResult {
  axes: ParetoAxis[];
  /** Dominated variant → a variant that dominates it. */
  dominated: Map<string, string>;
  /** Failing variants, kept out of the comparison. */
  failing: string[];
}

/** Above this share of 5xx a variant is failing, not slow or fast: its latency measures its errors. */
export const FAILING_ERROR_RATE = 0.5;

/** Each axis as "higher is better". */
const AXES: Record<ParetoAxis, (p: ParetoPoint) => number | null> = {
  size: (p) => -p.bytes,
  accuracy: (p) => p.accuracy,
  latency: (p) => (p.latencyMs === null ? null : -p.latencyMs),
  errors: (p) => (p.errorRate === null ? null : -p.errorRate),
};

export function paretoFront(points: readonly ParetoPoint[]): ParetoResult {
  const compared = points.filter((p) => p.failing === null);
  const axes = (Object.keys(AXES) as ParetoAxis[]).filter((axis) => compared.length > 0 && compared.every((p) => AXES[axis](p) !== null));
  const value = (p: ParetoPoint, axis: ParetoAxis): number => AXES[axis](p)!;
  const dominates = (q: ParetoPoint, p: ParetoPoint): boolean => axes.every((a) => value(q, a) >= value(p, a)) && axes.some((a) => value(q, a) > value(p, a));
  const dominated = new Map<string, string>();
  for (const p of compared) {
    const by = compared.find((q) => q !== p && dominates(q, p));
    if (by) dominated.set(p.variant, by.variant);
  }
  return { axes, dominated, failing: points.filter((p) => p.failing !== null).map((p) => p.variant) };
}
