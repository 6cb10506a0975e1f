import { seededRandom } from '@pare/runtime';

// Seeded randomness: every split, shuffle and weight init takes its numbers from here so that a seed fixes a run.

/** Floats in [0, 1) from the project's one seeded generator (mulberry32, in @pare/runtime). */
export function makeRng(seed: number): () => number {
  return seededRandom(seed).next;
}

/** Fisher-Yates shuffle in place. */
export function shuffle<T>(items: T[], rng: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Standard normal sample (Box-Muller). */
export function normal(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
