// Test helper: run a model in onnxruntime-node and onnxruntime-web (wasm under Node) side by side, through
// @pare/runtime's backends, and compare outputs. Tests only: passes never import a runtime.
import { encodeModel, type Model } from '@pare/onnx';
import type { InferenceBackend } from '@pare/runtime';
import { nodeBackend } from '@pare/runtime/node';
import { webNodeBackend } from '@pare/runtime/web-node';
import { seededFloats } from './runtimes';

export interface Feed { data: Float32Array | BigInt64Array; dims: number[] }
export type Outputs = Record<string, Float32Array>;

async function run(backend: InferenceBackend, model: Model | Uint8Array, feeds: Record<string, Feed>): Promise<Outputs> {
  const bytes = model instanceof Uint8Array ? model : encodeModel(model);
  const session = await backend.createSession(bytes);
  try {
    const input = Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, { type: f.data instanceof BigInt64Array ? 'int64' as const : 'float32' as const, data: f.data, dims: f.dims }]));
    const result = await session.run(input);
    return Object.fromEntries(Object.entries(result).map(([k, t]) => [k, Float32Array.from(t.data as Float32Array)]));
  } finally {
    await session.release();
  }
}

export const runNode = (model: Model | Uint8Array, feeds: Record<string, Feed>): Promise<Outputs> => run(nodeBackend, model, feeds);
export const runWeb = (model: Model | Uint8Array, feeds: Record<string, Feed>): Promise<Outputs> => run(webNodeBackend, model, feeds);

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
export const seeded = seededFloats;

export function feed(dims: number[], seed: number, lo = -1, hi = 1): Feed {
  return { data: seeded(dims.reduce((a, b) => a * b, 1), seed, lo, hi), dims };
}
