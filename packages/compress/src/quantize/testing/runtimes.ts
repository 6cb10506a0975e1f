// Test and benchmark helper: run a model in onnxruntime-node and in onnxruntime-web's wasm build (one thread,
// as at the edge) and compare outputs. Not exported from the package: the passes never import a runtime.
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { seededRandom } from '@pare/runtime';
import type { CalibrationRunner, Feed, FloatOutput } from '../../calibrate/calibrate';

ortWeb.env.wasm.numThreads = 1;
ortWeb.env.wasm.proxy = false;
ortWeb.env.logLevel = 'error';

export type Runtime = 'node' | 'web';
export type Outputs = Record<string, FloatOutput>;

interface AnySession {
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown; dims: readonly number[] }>>;
  release(): Promise<void>;
}

export async function createSession(runtime: Runtime, bytes: Uint8Array): Promise<AnySession> {
  if (runtime === 'node') return (await ortNode.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 1, logSeverityLevel: 3 })) as unknown as AnySession;
  return (await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all', logSeverityLevel: 3 })) as unknown as AnySession;
}

export function toOrtFeeds(runtime: Runtime, feed: Feed): Record<string, unknown> {
  const T = runtime === 'node' ? ortNode.Tensor : ortWeb.Tensor;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(feed)) out[k] = new T(v.type as 'float32', v.data as Float32Array, v.dims);
  return out;
}

function floatOutputs(result: Record<string, { data: unknown; dims: readonly number[] }>): Outputs {
  const out: Outputs = {};
  for (const [k, v] of Object.entries(result)) {
    const d = v.data as ArrayLike<number | bigint>;
    out[k] = { data: d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>, Number), dims: [...v.dims] };
  }
  return out;
}

/** Run one model on several feeds in one session. */
export async function runModel(runtime: Runtime, bytes: Uint8Array, feeds: Feed[]): Promise<Outputs[]> {
  const session = await createSession(runtime, bytes);
  try {
    const results: Outputs[] = [];
    for (const feed of feeds) results.push(floatOutputs(await session.run(toOrtFeeds(runtime, feed))));
    return results;
  } finally {
    await session.release();
  }
}

/** The injected runner `calibrate` needs, over onnxruntime-node. */
export const ortNodeRunner: CalibrationRunner = (bytes, feeds) => runModel('node', bytes, feeds);

/** Median milliseconds per run after warm-up (session already created). */
export async function timeRuns(runtime: Runtime, bytes: Uint8Array, feed: Feed, options: { warmup?: number; runs?: number; minMs?: number } = {}): Promise<number> {
  const session = await createSession(runtime, bytes);
  try {
    const feeds = toOrtFeeds(runtime, feed);
    for (let i = 0; i < (options.warmup ?? 3); i++) await session.run(feeds);
    const times: number[] = [];
    const start = performance.now();
    while (times.length < (options.runs ?? 10) || performance.now() - start < (options.minMs ?? 0)) {
      const t0 = performance.now();
      await session.run(feeds);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)]!;
  } finally {
    await session.release();
  }
}

/** Cosine similarity of two output tensors (1 = same direction). */
export function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i]! * b[i]!; aa += a[i]! * a[i]!; bb += b[i]! * b[i]!; }
  return aa === 0 && bb === 0 ? 1 : ab / Math.sqrt(aa * bb);
}

/** Smallest cosine over every output of every sample. */
export function minCosine(reference: Outputs[], candidate: Outputs[]): number {
  let min = 1;
  reference.forEach((ref, i) => {
    for (const [k, v] of Object.entries(ref)) min = Math.min(min, cosine(v.data, candidate[i]![k]!.data));
  });
  return min;
}

/** Deterministic pseudo-random floats (mulberry32), so tests and benches see the same inputs every run. */
export function seededFloats(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const next = seededRandom(seed).next;
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * next());
}

export function floatFeed(name: string, dims: number[], seed: number, lo = -1, hi = 1): Feed {
  return { [name]: { type: 'float32', data: seededFloats(dims.reduce((a, b) => a * b, 1), seed, lo, hi), dims } };
}
