// Test and benchmark helper: run a model in onnxruntime-node and in onnxruntime-web's wasm build (one thread,
// as at the edge) through @pare/runtime's backends, and compare outputs. Not exported from the package.
import { seededRandom, type Feeds, type HostTensor, type InferenceBackend, type InferenceSession } from '@pare/runtime';
import { createNodeBackend, nodeInt8ProductsSaturate } from '@pare/runtime/node';
import { webNodeBackend } from '@pare/runtime/web-node';
import type { FloatOutput } from '../src/calibrate/calibrate';

export type Runtime = 'node' | 'web';
export type Outputs = Record<string, FloatOutput>;

/** The backend of each runtime; node on one intra-op thread, so timings compare with wasm's one thread. */
export const backends: Record<Runtime, InferenceBackend> = {
  node: createNodeBackend({ executionProvider: 'cpu', intraOpNumThreads: 1 }),
  web: webNodeBackend,
};

/**
 * The floor for onnxruntime-node's fidelity on a model with u8 × s8 integer products: `strict`, unless this
 * CPU saturates those products (x86 without VNNI; packages/runtime/src/backend/int8ProductsSaturate.ts).
 * onnxruntime-web's wasm never does, so its floors stay strict everywhere.
 */
export async function nodeInt8Floor(strict: number, saturating: number): Promise<number> {
  return (await nodeInt8ProductsSaturate()) ? saturating : strict;
}

export function createSession(runtime: Runtime, bytes: Uint8Array): Promise<InferenceSession> {
  return backends[runtime].createSession(bytes);
}

function floatOutputs(result: Record<string, HostTensor>): Outputs {
  const out: Outputs = {};
  for (const [k, v] of Object.entries(result)) {
    out[k] = { data: v.data instanceof Float32Array ? v.data : Float32Array.from(v.data as ArrayLike<number>, Number), dims: [...v.dims] };
  }
  return out;
}

/** Run one model on several feeds in one session. */
export async function runModel(runtime: Runtime, bytes: Uint8Array, feeds: Feeds[]): Promise<Outputs[]> {
  const session = await createSession(runtime, bytes);
  try {
    const results: Outputs[] = [];
    for (const feed of feeds) results.push(floatOutputs(await session.run(feed)));
    return results;
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

export function floatFeed(name: string, dims: number[], seed: number, lo = -1, hi = 1): Feeds {
  return { [name]: { type: 'float32', data: seededFloats(dims.reduce((a, b) => a * b, 1), seed, lo, hi), dims } };
}
