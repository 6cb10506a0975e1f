// Feeds for a decoded model and exact-comparison runs, for the tests that check encoded models run in
// onnxruntime (test/encodedModels.test.ts).
import { DataType, type Model } from '@pare/onnx';
import type { Feeds, HostTensor } from '../src/backend/inferenceBackend';
import { nodeBackend } from '../src/node/index';

/** Concrete sizes for symbolic dimensions, by input name and position; anything not given is 1. */
export type DimChoices = Record<string, number[]>;

/**
 * Deterministic feeds from a model's input metadata: fixed dims as declared, symbolic dims from `dims`
 * (else 1), values from a fixed sine pattern so runs compare exactly. `values` overrides whole inputs
 * (silero's `sr` must be a sample rate the model knows).
 */
export function feedsFor(model: Model, dims: DimChoices = {}, values: Feeds = {}): Feeds {
  const initializers = new Set(model.graph!.initializer.map((t) => t.name));
  const feeds: Feeds = {};
  for (const input of model.graph!.input) {
    const name = input.name!;
    if (initializers.has(name)) continue;
    if (values[name]) { feeds[name] = values[name]!; continue; }
    const tensorType = input.type!.tensor_type!;
    const shape = tensorType.shape!.dim.map((d, i) => d.dim_value ?? dims[name]?.[i] ?? 1);
    const n = shape.reduce((a, b) => a * b, 1);
    const pattern = (i: number): number => Math.sin(i * 0.37 + name.length);
    switch (tensorType.elem_type) {
      case DataType.FLOAT: feeds[name] = { type: 'float32', data: Float32Array.from({ length: n }, (_, i) => pattern(i)), dims: shape }; break;
      case DataType.INT64: feeds[name] = { type: 'int64', data: BigInt64Array.from({ length: n }, (_, i) => BigInt(i % 7)), dims: shape }; break;
      case DataType.INT32: feeds[name] = { type: 'int32', data: Int32Array.from({ length: n }, (_, i) => i % 7), dims: shape }; break;
      default: throw new Error(`feedsFor: input ${name} has element type ${tensorType.elem_type}, which this test helper does not fill`);
    }
  }
  return feeds;
}

/** Run a model from bytes in onnxruntime-node and return every output as plain arrays (bigints as strings) for exact comparison. */
export async function runModel(bytes: Uint8Array, feeds: Feeds): Promise<Record<string, { dims: readonly number[]; data: Array<number | string> }>> {
  const session = await nodeBackend.createSession(bytes);
  try {
    const results = await session.run(feeds);
    return Object.fromEntries(
      Object.entries(results).map(([name, t]: [string, HostTensor]) => [name, { dims: t.dims, data: Array.from(t.data as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? v.toString() : v)) }]),
    );
  } finally {
    await session.release();
  }
}
