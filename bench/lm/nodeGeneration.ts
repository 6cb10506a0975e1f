// Greedy generation in Node on one of Pare's backends (onnxruntime-web's wasm build, as the edge runs, or
// onnxruntime-node), timed as the edge is timed (tokenRates.ts); plus how many prompts continue exactly as the
// Python model did.
import { generateText, type InferenceBackend } from '@pare/runtime';
import type { LmExpected, LmFolder } from './lmFixtures';
import type { TokenRater } from './tokenRates';

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

/** A session of `backend` as a rater (tokenRates.ts), warmed on the prompts; close releases it. */
export async function nodeRater(name: string, backend: InferenceBackend, lm: LmFolder, prompts: readonly string[]): Promise<TokenRater & { close(): Promise<void> }> {
  const session = await backend.createSession(lm.folder.modelBytes);
  const generate = async (prompt: string, n: number) => {
    const t0 = performance.now();
    const r = await generateText(lm.manifest, lm.tokenizer, session, prompt, greedy(n));
    return { ms: performance.now() - t0, tokens: r.ids.length };
  };
  for (const p of prompts) await generate(p, 2);
  return { name, generate, close: () => session.release() };
}
