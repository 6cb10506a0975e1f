// Greedy generation in Node on one of Pare's backends (onnxruntime-web's wasm build, as the edge runs, or
// onnxruntime-node), timed as the edge is timed: tokens per second from an N-token run less a 1-token run;
// plus how many prompts continue exactly as the Python model did.
import { generateText, type InferenceBackend } from '@pare/runtime';
import type { LmExpected, LmFolder } from './lmFixtures';
import { median } from './lmFixtures';

const greedy = (maxNewTokens: number) => ({ maxNewTokens, temperature: 0, topK: 0, topP: 1, seed: 0, stop: [] });

export async function greedyIdentical(backend: InferenceBackend, lm: LmFolder, expected: LmExpected): Promise<{ identical: number; prompts: number }> {
  const session = await backend.createSession(lm.folder.modelBytes);
  const eos = lm.manifest.generation!.eosTokenIds;
  let identical = 0;
  try {
    for (const g of expected.greedy) {
      const got = await generateText(lm.manifest, lm.tokenizer, session, g.prompt, greedy(expected.maxNewTokens));
      const cut = g.ids.findIndex((id) => eos.includes(id));
      const want = cut < 0 ? g.ids : g.ids.slice(0, cut);
      if (JSON.stringify(got.ids) === JSON.stringify(want)) identical++;
    }
  } finally {
    await session.release();
  }
  return { identical, prompts: expected.greedy.length };
}

export async function nodeTokensPerSecond(backend: InferenceBackend, lm: LmFolder, prompts: readonly string[], tokens: number, rounds: number): Promise<number> {
  const session = await backend.createSession(lm.folder.modelBytes);
  try {
    const run = async (prompt: string, n: number) => {
      const t0 = performance.now();
      const r = await generateText(lm.manifest, lm.tokenizer, session, prompt, greedy(n));
      return { ms: performance.now() - t0, tokens: r.ids.length };
    };
    for (const p of prompts) await run(p, 2);
    const rates: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const p of prompts) {
        const one = await run(p, 1);
        const many = await run(p, tokens);
        rates.push((many.tokens - 1) / ((many.ms - one.ms) / 1000));
      }
    }
    return median(rates);
  } finally {
    await session.release();
  }
}
