// transformers.js's own text-generation pipeline on an LM fixture folder, in Node, from the folder on disk only
// (no hub, no network), timed as Pare is: tokens per second from an N-token run less a 1-token run.
import path from 'node:path';
import { env, pipeline } from '@huggingface/transformers';
import type { LmFolder } from './lmFixtures';
import { median } from './lmFixtures';

type Generator = (text: string, options: Record<string, unknown>) => Promise<unknown>;

export async function transformersJsTokensPerSecond(lm: LmFolder, prompts: readonly string[], tokens: number, rounds: number): Promise<{ tokensPerSecond: number; texts: string[] }> {
  env.allowRemoteModels = false;
  env.localModelPath = path.dirname(lm.folder.dir);
  const pipe = (await pipeline('text-generation', path.basename(lm.folder.dir), { local_files_only: true, dtype: 'fp32', subfolder: '', model_file_name: 'model' })) as unknown as Generator;
  const run = async (prompt: string, n: number) => {
    const t0 = performance.now();
    const out = (await pipe(prompt, { max_new_tokens: n, do_sample: false, return_full_text: false })) as Array<{ generated_text: string }>;
    return { ms: performance.now() - t0, text: out[0]!.generated_text };
  };
  const texts: string[] = [];
  for (const p of prompts) texts.push((await run(p, tokens)).text);
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const p of prompts) {
      const one = await run(p, 1);
      const many = await run(p, tokens);
      rates.push((tokens - 1) / ((many.ms - one.ms) / 1000));
    }
  }
  return { tokensPerSecond: median(rates), texts };
}
