// Weighted, sticky traffic assignment with fallback to healthy variants.
import { PareError } from '@pare/errors';
import { unitSlot } from './stableHash';

/** Variant name → weight (non-negative integers summing to 100). */
export type Weights = Readonly<Record<string, number>>;

export interface Assignment {
  /** The variant that serves the request. */
  variant: string;
  /** The variant the weights picked; differs from `variant` when that one was unhealthy. */
  assigned: string;
  fallback: boolean;
}

/** Check operator-supplied weights: integers 0..100, summing to 100, at least one positive. */
export function validateWeights(weights: Weights): void {
  const entries = Object.entries(weights);
  if (entries.length === 0) throw new PareError('weights_invalid', 'Give at least one variant=weight.', { status: 400 });
  for (const [variant, w] of entries) {
    if (!Number.isInteger(w) || w < 0 || w > 100) {
      throw new PareError('weights_invalid', `Weight of "${variant}" must be an integer from 0 to 100, got ${String(w)}.`, { status: 400 });
    }
  }
  const sum = entries.reduce((s, [, w]) => s + w, 0);
  if (sum !== 100) throw new PareError('weights_invalid', `Weights must sum to 100, they sum to ${sum}.`, { status: 400 });
}

/**
 * Pick by slot: variants are laid out in name order on [0, 10000) with widths proportional to their
 * weights, so a unit keeps its variant while the weights stay the same.
 */
export function pickByWeight(weights: Weights, slot: number): string | undefined {
  const entries = Object.entries(weights)
    .filter(([, w]) => w > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const total = entries.reduce((s, [, w]) => s + w, 0);
  if (total === 0) return undefined;
  const point = (slot / 10000) * total;
  let edge = 0;
  for (const [variant, w] of entries) {
    edge += w;
    if (point < edge) return variant;
  }
  return entries[entries.length - 1]![0];
}

/**
 * Assign a unit of a model to a variant. When the picked variant is unhealthy, its traffic goes to the
 * healthy variants in proportion to their weights (or, if none has weight, to any healthy variant).
 * Throws 503 `no_healthy_variant` when no variant is healthy.
 */
export function assignVariant(options: { model: string; unit: string; weights: Weights; healthy: ReadonlySet<string>; candidates?: readonly string[]; salt?: string }): Assignment {
  const { model, unit, weights, healthy } = options;
  const slot = unitSlot(model, unit, options.salt);
  const assigned = pickByWeight(weights, slot);
  if (assigned !== undefined && healthy.has(assigned)) return { variant: assigned, assigned, fallback: false };
  const healthyWeights: Record<string, number> = {};
  for (const [variant, w] of Object.entries(weights)) if (healthy.has(variant) && w > 0) healthyWeights[variant] = w;
  let variant = pickByWeight(healthyWeights, slot);
  if (variant === undefined) {
    const others = [...(options.candidates ?? [])].filter((v) => healthy.has(v)).sort();
    variant = others.length > 0 ? others[slot % others.length] : undefined;
  }
  if (variant === undefined) {
    throw new PareError('no_healthy_variant', `Model "${model}" has no healthy variant to serve this request; deploy a working variant or fix the unhealthy ones.`, { status: 503 });
  }
  return { variant, assigned: assigned ?? variant, fallback: true };
}
