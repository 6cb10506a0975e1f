// The runner `calibrate` is given: model bytes + feeds → float outputs, over a runtime backend.
import type { CalibrationRunner } from '@pare/compress';
import type { Feeds, InferenceBackend } from '@pare/runtime';

export function calibrationRunner(backend: InferenceBackend): CalibrationRunner {
  return async (bytes, feeds) => {
    const session = await backend.createSession(bytes);
    try {
      const results = [];
      for (const feed of feeds) {
        const out = await session.run(feed as unknown as Feeds);
        results.push(Object.fromEntries(Object.entries(out).map(([k, t]) => [k, {
          data: t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>, Number),
          dims: [...t.dims],
        }])));
      }
      return results;
    } finally {
      await session.release();
    }
  };
}
