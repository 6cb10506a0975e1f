// Test helper: run a model in onnxruntime-node and onnxruntime-web (wasm under Node) side by side, and
// compare outputs. Tests only: passes never import a runtime.
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { encodeModel, type Model } from '@pare/onnx';
import { seededRandom } from '@pare/runtime';

// One thread: the test machines are shared, and threads need worker files the Node build does not ship.
ortWeb.env.wasm.numThreads = 1;
ortWeb.env.wasm.proxy = false;

export interface Feed { data: Float32Array | BigInt64Array; dims: number[] }
export type Outputs = Record<string, Float32Array>;

export async function runNode(model: Model | Uint8Array, feeds: Record<string, Feed>): Promise<Outputs> {
  const bytes = model instanceof Uint8Array ? model : encodeModel(model);
  const session = await ortNode.InferenceSession.create(bytes);
  try {
    const input = Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, f.data instanceof BigInt64Array ? new ortNode.Tensor('int64', f.data, f.dims) : new ortNode.Tensor('float32', f.data, f.dims)]));
    const result = await session.run(input);
    return Object.fromEntries(Object.entries(result).map(([k, t]) => [k, Float32Array.from(t.data as Float32Array)]));
  } finally {
    await session.release();
  }
}

export async function runWeb(model: Model | Uint8Array, feeds: Record<string, Feed>): Promise<Outputs> {
  const bytes = model instanceof Uint8Array ? model : encodeModel(model);
  const session = await ortWeb.InferenceSession.create(bytes);
  try {
    const input = Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, f.data instanceof BigInt64Array ? new ortWeb.Tensor('int64', f.data, f.dims) : new ortWeb.Tensor('float32', f.data, f.dims)]));
    const result = await session.run(input);
    return Object.fromEntries(Object.entries(result).map(([k, t]) => [k, Float32Array.from(t.data as Float32Array)]));
  } finally {
    await session.release();
  }
}

/** A copy of the model that also outputs `value` (an intermediate), to compare logits or features. */
export function withProbe(model: Model, value: string): Model {
  const copy = structuredClone(model);
  copy.graph!.output.push({ name: value, type: { tensor_type: { elem_type: 1 } }, metadata_props: [] });
  return copy;
}

/** Cosine similarity of two output vectors (1 for identical directions). */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i]! * b[i]!; na += a[i]! * a[i]!; nb += b[i]! * b[i]!; }
  return na === 0 && nb === 0 ? 1 : dot / Math.sqrt(na * nb);
}

/** Deterministic pseudo-random values in [lo, hi) (mulberry32), so failures reproduce. */
export function seeded(count: number, seed: number, lo = -1, hi = 1): Float32Array {
  const next = seededRandom(seed).next;
  return Float32Array.from({ length: count }, () => lo + (hi - lo) * next());
}

export function feed(dims: number[], seed: number, lo = -1, hi = 1): Feed {
  return { data: seeded(dims.reduce((a, b) => a * b, 1), seed, lo, hi), dims };
}
