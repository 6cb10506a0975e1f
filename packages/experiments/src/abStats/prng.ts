// A small seeded PRNG (mulberry32) and the samplers the bootstrap needs, so the same data and seed give
// the same interval on every refresh and in tests (Math.random cannot be seeded).

export type Random = () => number;

/** mulberry32: 32-bit state, uniform in [0, 1). Plenty for resampling; not for cryptography. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draw (Box–Muller). */
function normalDraw(random: Random): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * Binomial(n, p) draw. Small n: count Bernoulli trials; small mean: inversion on the pmf; otherwise the
 * normal approximation with continuity correction, whose error at n·p·(1−p) ≥ 25 is far below what a
 * percentile bootstrap over a few thousand replicates can resolve, and which keeps a 7-day window with
 * millions of requests as cheap as a 15-minute one.
 */
export function binomialDraw(random: Random, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (n < 40) {
    let k = 0;
    for (let i = 0; i < n; i++) if (random() < p) k++;
    return k;
  }
  const variance = n * p * (1 - p);
  if (variance < 25) {
    // Inversion: walk the pmf from 0 (mean is small, so few steps). Work on the rarer side for speed.
    if (p > 0.5) return n - binomialDraw(random, n, 1 - p);
    const u = random();
    let k = 0;
    let pmf = Math.exp(n * Math.log1p(-p));
    let cdf = pmf;
    while (u > cdf && k < n) {
      pmf *= ((n - k) / (k + 1)) * (p / (1 - p));
      k++;
      cdf += pmf;
    }
    return k;
  }
  const k = Math.round(n * p + Math.sqrt(variance) * normalDraw(random));
  return Math.min(n, Math.max(0, k));
}

/** Multinomial draw of n over the given probabilities, by conditional binomials. */
export function multinomialDraw(random: Random, n: number, probabilities: readonly number[]): number[] {
  const out = new Array<number>(probabilities.length).fill(0);
  let left = n;
  let massLeft = 1;
  for (let i = 0; i < probabilities.length && left > 0; i++) {
    const p = probabilities[i]!;
    if (i === probabilities.length - 1 || massLeft <= p) {
      out[i] = left;
      break;
    }
    const k = binomialDraw(random, left, Math.min(1, p / massLeft));
    out[i] = k;
    left -= k;
    massLeft -= p;
  }
  return out;
}
