// The next token from one row of logits: the largest at temperature 0 (the first of equals, as torch's argmax),
// else a draw from softmax(logits / temperature) restricted to the top_k tokens and then to the smallest set
// whose probability reaches top_p (the order transformers' logits warpers apply them in). Draws come from
// a seeded PRNG, so a seeded request samples the same tokens on every run and machine.
import { seededRandom } from '../../inputs/seededRandom';

export interface SamplingOptions {
  temperature: number;
  /** 0: no top-k cut. */
  topK: number;
  /** 1: no nucleus cut. */
  topP: number;
}

export function argmaxOf(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

export class TokenSampler {
  private readonly random: () => number;

  constructor(private readonly options: SamplingOptions, seed: number) {
    this.random = seededRandom(seed).next;
  }

  get greedy(): boolean {
    return this.options.temperature <= 0 || this.options.topK === 1;
  }

  pick(row: ArrayLike<number>): number {
    if (this.greedy) return argmaxOf(row);
    const { temperature, topK, topP } = this.options;
    let order = Array.from({ length: row.length }, (_, i) => i).sort((a, b) => row[b]! - row[a]! || a - b);
    if (topK > 0 && topK < order.length) order = order.slice(0, topK);
    const top = row[order[0]!]! / temperature;
    const weights = order.map((i) => Math.exp(row[i]! / temperature - top));
    let total = weights.reduce((a, b) => a + b, 0);
    if (topP < 1) {
      let kept = 0;
      let mass = 0;
      while (kept < weights.length && mass < topP * total) mass += weights[kept++]!;
      order = order.slice(0, Math.max(1, kept));
      weights.length = order.length;
      total = weights.reduce((a, b) => a + b, 0);
    }
    let u = this.random() * total;
    for (let k = 0; k < order.length; k++) {
      u -= weights[k]!;
      if (u < 0) return order[k]!;
    }
    return order[order.length - 1]!;
  }
}
