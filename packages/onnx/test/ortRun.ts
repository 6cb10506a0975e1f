import * as ort from 'onnxruntime-node';
import type { Model } from '../src/types';
import { DataType } from '../src/dataType';

/** Concrete sizes for symbolic dimensions, by input name and position; anything not given is 1. */
export type DimChoices = Record<string, number[]>;

/**
 * Deterministic feeds from a model's input metadata: fixed dims as declared, symbolic dims from `dims`
 * (else 1), values from a fixed sine pattern so runs compare exactly. `values` overrides whole inputs
 * (silero's `sr` must be a sample rate the model knows).
 */
export function feedsFor(model: Model, dims: DimChoices = {}, values: Record<string, ort.Tensor> = {}): Record<string, ort.Tensor> {
  const initializers = new Set(model.graph!.initializer.map((t) => t.name));
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of model.graph!.input) {
    const name = input.name!;
    if (initializers.has(name)) continue;
    if (values[name]) { feeds[name] = values[name]!; continue; }
    const tensorType = input.type!.tensor_type!;
    const shape = tensorType.shape!.dim.map((d, i) => d.dim_value ?? dims[name]?.[i] ?? 1);
    const n = shape.reduce((a, b) => a * b, 1);
    const pattern = (i: number): number => Math.sin(i * 0.37 + name.length);
    switch (tensorType.elem_type) {
      case DataType.FLOAT: feeds[name] = new ort.Tensor('float32', Float32Array.from({ length: n }, (_, i) => pattern(i)), shape); break;
      case DataType.INT64: feeds[name] = new ort.Tensor('int64', BigInt64Array.from({ length: n }, (_, i) => BigInt(i % 7)), shape); break;
      case DataType.INT32: feeds[name] = new ort.Tensor('int32', Int32Array.from({ length: n }, (_, i) => i % 7), shape); break;
      default: throw new Error(`feedsFor: input ${name} has element type ${tensorType.elem_type}, which this test helper does not fill`);
    }
  }
  return feeds;
}

/** Run a model from bytes and return every output as plain arrays (bigints as strings) for exact comparison. */
export async function runModel(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, { dims: readonly number[]; data: Array<number | string> }>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const results = await session.run(feeds);
    return Object.fromEntries(
      Object.entries(results).map(([name, t]) => [name, { dims: t.dims, data: Array.from(t.data as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? v.toString() : v)) }]),
    );
  } finally {
    await session.release();
  }
}

export { ort };
