// Tokens per second of several runtimes on the same prompts, measured in alternation: each round times every
// runtime once per prompt before the next round starts, so that on a shared machine a burst of load from elsewhere
// falls on all of them rather than on whichever ran at that moment. One sample is (N − 1) / (time of an N-token
// greedy generation − time of a 1-token one).
import { median } from './lmFixtures';

/** One runtime: generate(prompt, n) makes n greedy tokens and says how many it made and what it took. */
export interface TokenRater {
  name: string;
  generate(prompt: string, n: number): Promise<{ ms: number; tokens: number }>;
}

export async function alternatingRates(raters: readonly TokenRater[], prompts: readonly string[], tokens: number, rounds: number): Promise<Map<string, number | { error: string }>> {
  const samples = new Map<string, number[]>(raters.map((r) => [r.name, []]));
  const failed = new Map<string, string>();
  for (let round = 0; round < rounds; round++) {
    for (const prompt of prompts) {
      for (const r of raters) {
        if (failed.has(r.name)) continue;
        try {
          const one = await r.generate(prompt, 1);
          const many = await r.generate(prompt, tokens);
          samples.get(r.name)!.push((many.tokens - one.tokens) / ((many.ms - one.ms) / 1000));
        } catch (e) {
          failed.set(r.name, e instanceof Error ? `${e.message}${e.cause ? ` (${String(e.cause)})` : ''}`.split('\n')[0]! : String(e));
        }
      }
    }
  }
  return new Map(raters.map((r) => [r.name, failed.has(r.name) ? { error: failed.get(r.name)! } : median(samples.get(r.name)!)]));
}
