// Give one variant a weight and scale the others to fill the rest (largest remainder, so the sum stays 100).
import { PareError } from '@pare/errors';
import type { Weights } from './assignVariant';

export function withVariantWeight(current: Weights, variant: string, weight: number): Record<string, number> {
  if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
    throw new PareError('weights_invalid', `Weight must be an integer from 0 to 100, got ${String(weight)}.`, { status: 400 });
  }
  const others = Object.entries(current).filter(([v]) => v !== variant);
  const otherTotal = others.reduce((s, [, w]) => s + w, 0);
  const rest = 100 - weight;
  if (others.length === 0 || otherTotal === 0) {
    if (rest !== 0 && others.length === 0) {
      throw new PareError('weights_invalid', `"${variant}" would be the only variant, so its weight must be 100, not ${weight}.`, { status: 400 });
    }
    const even = Object.fromEntries(others.map(([v], i) => [v, Math.floor(rest / others.length) + (i < rest % others.length ? 1 : 0)]));
    return { ...even, [variant]: weight };
  }
  const shares = others.map(([v, w]) => ({ v, exact: (w / otherTotal) * rest }));
  const result: Record<string, number> = Object.fromEntries(shares.map((s) => [s.v, Math.floor(s.exact)]));
  let left = rest - shares.reduce((s, x) => s + Math.floor(x.exact), 0);
  for (const s of [...shares].sort((a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)))) {
    if (left-- <= 0) break;
    result[s.v]! += 1;
  }
  result[variant] = weight;
  return result;
}
