// The Pareto front of variants over size (smaller is better), accuracy (higher) and latency (lower): a
// variant is dominated when another is at least as good on every axis and better on one — keeping it buys
// nothing. Axes a variant lacks (no accuracy in its manifest, no traffic yet) are left out of its comparisons.

export interface ParetoPoint {
  variant: string;
  bytes: number;
  accuracy: number | null;
  latencyMs: number | null;
}

/** Names of the dominated variants, each with the variant that dominates it. */
export function dominatedVariants(points: readonly ParetoPoint[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of points) {
    for (const q of points) {
      if (q === p) continue;
      if (dominates(q, p)) {
        out.set(p.variant, q.variant);
        break;
      }
    }
  }
  return out;
}

function dominates(q: ParetoPoint, p: ParetoPoint): boolean {
  // Compare only on axes both have: a missing figure is unknown, not worst.
  const axes: Array<[number, number]> = [[-q.bytes, -p.bytes]];
  if (q.accuracy !== null && p.accuracy !== null) axes.push([q.accuracy, p.accuracy]);
  if (q.latencyMs !== null && p.latencyMs !== null) axes.push([-q.latencyMs, -p.latencyMs]);
  return axes.every(([a, b]) => a >= b) && axes.some(([a, b]) => a > b);
}
