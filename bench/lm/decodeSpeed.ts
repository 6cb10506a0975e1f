// Milliseconds per new token at a given context length, cached (one position per step, the presents fed back)
// and recomputed (the whole sequence per step), on one backend: the prompt is fed once, then `steps` single
// tokens are timed. The tokens fed are the text's own, so both runs do the same work.
import { DecoderSteps, type InferenceBackend } from '@pare/runtime';
import type { LmFolder } from './lmFixtures';
import { median } from './lmFixtures';

export async function msPerToken(backend: InferenceBackend, lm: LmFolder, ids: readonly number[], context: number, steps: number): Promise<number> {
  const session = await backend.createSession(lm.folder.modelBytes);
  try {
    const times: number[] = [];
    for (let round = 0; round < 2; round++) {
      const decoder = new DecoderSteps(lm.manifest, session);
      await decoder.feed(ids.slice(0, context - steps));
      for (let i = context - steps; i < context; i++) {
        const t0 = performance.now();
        await decoder.feed([ids[i]!]);
        if (round > 0) times.push(performance.now() - t0);
      }
    }
    return median(times);
  } finally {
    await session.release();
  }
}
