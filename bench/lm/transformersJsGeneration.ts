// transformers.js's own text-generation pipeline on an LM fixture folder, in Node, from the folder on disk only
// (no hub, no network), timed as Pare is (tokenRates.ts).
import path from 'node:path';
import { env, pipeline } from '@huggingface/transformers';
import type { LmFolder } from './lmFixtures';
import type { TokenRater } from './tokenRates';

type Generator = (text: string, options: Record<string, unknown>) => Promise<unknown>;

/** transformers.js's pipeline on the folder as a rater (tokenRates.ts), warmed on the prompts. */
export async function transformersJsRater(lm: LmFolder, prompts: readonly string[]): Promise<TokenRater> {
  env.allowRemoteModels = false;
  env.localModelPath = path.dirname(lm.folder.dir);
  const pipe = (await pipeline('text-generation', path.basename(lm.folder.dir), { local_files_only: true, dtype: 'fp32', subfolder: '', model_file_name: 'model' })) as unknown as Generator;
  const generate = async (prompt: string, n: number) => {
    const t0 = performance.now();
    await pipe(prompt, { max_new_tokens: n, do_sample: false, return_full_text: false });
    // The prompts are ones whose continuation has no end-of-text within n (lmBench.ts), so it made n tokens.
    return { ms: performance.now() - t0, tokens: n };
  };
  for (const p of prompts) await generate(p, 2);
  return { name: 'transformers.js', generate };
}
