// A model's latency as a budget means it: milliseconds per run in the given backend (the CLI passes
// onnxruntime-web's wasm, one thread, serving form, as the edge runs it) on the given representative inputs,
// after warm-up runs (a new session's first runs are several times slower than its steady state).
import type { Feeds, InferenceBackend } from '@pare/runtime';

export interface LatencyOptions {
  /** Runs before timing starts; default 5. */
  warmup?: number;
  /** Timed passes over the samples; default 1. */
  passes?: number;
  /** Samples used, from the start of the list; default 8. */
  maxSamples?: number;
}

/** The median milliseconds of one run. */
export async function measureLatency(bytes: Uint8Array, samples: readonly Feeds[], backend: InferenceBackend, options: LatencyOptions = {}): Promise<number> {
  const used = samples.slice(0, options.maxSamples ?? 8);
  const session = await backend.createSession(bytes);
  try {
    for (let i = 0; i < (options.warmup ?? 5); i++) await session.run(used[i % used.length]!);
    const times: number[] = [];
    for (let pass = 0; pass < Math.max(1, options.passes ?? 1); pass++) {
      for (const feeds of used) {
        const t0 = performance.now();
        await session.run(feeds);
        times.push(performance.now() - t0);
      }
    }
    return median(times);
  } finally {
    await session.release();
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
