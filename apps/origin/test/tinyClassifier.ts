import type { Model, Tensor, ValueInfo } from '@pare/onnx';
import { encodeModel } from '@pare/onnx';

// A tiny linear classifier (x[N,4] · W[4,3] + b → logits[N,3]) encoded from a plain Model object, so the
// tests run real onnxruntime-node without any model file on disk. Class k wins when x[k] is the largest of
// the first three features: W is the identity on those and zero for the fourth feature.

const FLOAT = 1;

function tensor(name: string, dims: number[], values: number[]): Tensor {
  return {
    name, dims, data_type: FLOAT, float_data: values, int32_data: [], string_data: [], int64_data: [],
    external_data: [], double_data: [], uint64_data: [], metadata_props: [],
  };
}

function valueInfo(name: string, dims: Array<number | string>): ValueInfo {
  return {
    name,
    type: { tensor_type: { elem_type: FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } },
    metadata_props: [],
  };
}

export const TINY_WEIGHTS = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0];

export function tinyClassifierModel(): Model {
  return {
    ir_version: 8,
    opset_import: [{ domain: '', version: 17 }],
    producer_name: 'pare-origin-test',
    metadata_props: [],
    training_info: [],
    functions: [],
    graph: {
      name: 'tiny',
      node: [
        { op_type: 'MatMul', input: ['x', 'W'], output: ['h'], name: 'matmul', attribute: [], metadata_props: [] },
        { op_type: 'Add', input: ['h', 'b'], output: ['logits'], name: 'add', attribute: [], metadata_props: [] },
      ],
      initializer: [tensor('W', [4, 3], TINY_WEIGHTS), tensor('b', [3], [0, 0, 0])],
      sparse_initializer: [],
      input: [valueInfo('x', ['N', 4])],
      output: [valueInfo('logits', ['N', 3])],
      value_info: [],
      quantization_annotation: [],
      metadata_props: [],
    },
  };
}

export function tinyClassifierBytes(): Uint8Array {
  return encodeModel(tinyClassifierModel());
}

/** The class the tiny classifier predicts for a feature vector: the index of the largest of x[0..2]. */
export function tinyClassOf(x: number[]): number {
  const head = x.slice(0, 3);
  return head.indexOf(Math.max(...head));
}

/** A two-layer MLP (4 → 64 → 3) big enough for the quantizers to touch its first weight (256 elements). */
export function tinyMlpBytes(): Uint8Array {
  let seed = 7;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const w1 = Array.from({ length: 4 * 64 }, random);
  const w2 = Array.from({ length: 64 * 3 }, random);
  const model = tinyClassifierModel();
  model.graph = {
    ...model.graph!,
    name: 'tiny-mlp',
    node: [
      { op_type: 'MatMul', input: ['x', 'W1'], output: ['h'], name: 'fc1', attribute: [], metadata_props: [] },
      { op_type: 'Relu', input: ['h'], output: ['a'], name: 'relu', attribute: [], metadata_props: [] },
      { op_type: 'MatMul', input: ['a', 'W2'], output: ['logits'], name: 'fc2', attribute: [], metadata_props: [] },
    ],
    initializer: [tensor('W1', [4, 64], w1), tensor('W2', [64, 3], w2)],
  };
  return encodeModel(model);
}
