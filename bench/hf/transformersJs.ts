// transformers.js's own pipeline for a fixture, in Node, from the folder on disk only (no hub, no network):
// tokenize + run + post-process per text, the figure a transformers.js user would compare Pare with.
import path from 'node:path';
import { env, pipeline } from '@huggingface/transformers';
import type { HfFixture } from './hfFixtures';

export interface PipelineTiming {
  /** Median milliseconds per text, one text per call. */
  msPerText: number;
  /** The pipeline's answers, for agreement with the Python ones. */
  results: unknown[];
}

export async function transformersJsTiming(fixture: HfFixture, texts: readonly string[], rounds: number): Promise<PipelineTiming> {
  env.allowRemoteModels = false;
  env.localModelPath = path.dirname(fixture.dir);
  const subfolder = path.dirname(fixture.modelFile) === '.' ? '' : path.dirname(fixture.modelFile);
  const task = fixture.manifest.task as 'text-classification' | 'feature-extraction' | 'token-classification';
  const pipe = (await pipeline(task, fixture.name, { local_files_only: true, dtype: 'fp32', subfolder, model_file_name: 'model' })) as unknown as (text: string, options?: Record<string, unknown>) => Promise<unknown>;
  const options = task === 'feature-extraction' ? { pooling: fixture.manifest.embedding?.pooling ?? 'mean', normalize: fixture.manifest.embedding?.normalize ?? true } : {};
  const results: unknown[] = [];
  for (const text of texts) results.push(await pipe(text, options));
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const text of texts) {
      const t0 = performance.now();
      await pipe(text, options);
      times.push(performance.now() - t0);
    }
  }
  times.sort((a, b) => a - b);
  return { msPerText: times[Math.floor(times.length / 2)]!, results };
}
