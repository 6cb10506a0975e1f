import { DataType, makeTensor, readTensor, type Tensor, type TensorValues } from '@pare/onnx';

/** Element types whose values pruning can rewrite exactly (read and written back without conversion). */
export const PRUNABLE_TYPES: ReadonlySet<number> = new Set([DataType.FLOAT, DataType.DOUBLE]);

/**
 * A copy of `tensor` holding `values` as little-endian raw_data, whatever form the original used
 * (typed fields, raw bytes): one canonical storage keeps sizes comparable and encoders simple.
 * Name, doc string and metadata are kept.
 */
export function withValues(tensor: Tensor, dims: readonly number[], values: TensorValues): Tensor {
  const fresh = makeTensor(tensor.name ?? '', tensor.data_type ?? DataType.FLOAT, dims, values);
  return { ...fresh, doc_string: tensor.doc_string, metadata_props: tensor.metadata_props };
}

/** Keep only the given indices along `axis` (in the given order). Works for any numeric element type. */
export function sliceAxis(tensor: Tensor, axis: number, keep: readonly number[]): Tensor {
  const dims = tensor.dims;
  const values = readTensor(tensor);
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const size = dims[axis]!;
  const Ctor = values.constructor as new (n: number) => TensorValues;
  const out = new Ctor(outer * keep.length * inner);
  let o = 0;
  for (let a = 0; a < outer; a++) {
    for (const k of keep) {
      const start = (a * size + k) * inner;
      // subarray + set copies a contiguous run at once; typed arrays of the same kind, so no conversion.
      (out as Float32Array).set((values as Float32Array).subarray(start, start + inner), o);
      o += inner;
    }
  }
  const newDims = [...dims];
  newDims[axis] = keep.length;
  return withValues(tensor, newDims, out);
}

/** L2 norm of each slice along `axis` (one number per index of that axis). */
export function sliceNorms(values: Float32Array | Float64Array, dims: readonly number[], axis: number): Float64Array {
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const size = dims[axis]!;
  const sums = new Float64Array(size);
  for (let a = 0; a < outer; a++) {
    for (let k = 0; k < size; k++) {
      const start = (a * size + k) * inner;
      let s = 0;
      for (let i = 0; i < inner; i++) { const v = values[start + i]!; s += v * v; }
      sums[k] = sums[k]! + s;
    }
  }
  for (let k = 0; k < size; k++) sums[k] = Math.sqrt(sums[k]!);
  return sums;
}

