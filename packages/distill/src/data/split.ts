import { makeRng, shuffle } from '../random';

export interface SplitFractions { train: number; val: number; test: number }

/**
 * Stratified split: each stratum (e.g. easy ham, hard ham, spam) is shuffled with the seed and cut by the same
 * fractions, so every split keeps the corpus's class balance and every split holds some of every stratum.
 */
export function stratifiedSplit<T>(items: readonly T[], stratum: (item: T) => string, fractions: SplitFractions, seed: number): { train: T[]; val: T[]; test: T[] } {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = stratum(item);
    const g = groups.get(key);
    if (g) g.push(item);
    else groups.set(key, [item]);
  }
  const out = { train: [] as T[], val: [] as T[], test: [] as T[] };
  // Sorted keys: the order of strata must not depend on the input order for a seed to fix the split.
  for (const key of [...groups.keys()].sort()) {
    const g = shuffle([...groups.get(key)!], makeRng(seed ^ hash(key)));
    const total = fractions.train + fractions.val + fractions.test;
    const nVal = Math.max(1, Math.round((g.length * fractions.val) / total));
    const nTest = Math.max(1, Math.round((g.length * fractions.test) / total));
    out.val.push(...g.slice(0, nVal));
    out.test.push(...g.slice(nVal, nVal + nTest));
    out.train.push(...g.slice(nVal + nTest));
  }
  const rng = makeRng(seed);
  shuffle(out.train, rng);
  shuffle(out.val, rng);
  shuffle(out.test, rng);
  return out;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
