import { PareError } from '@pare/errors';
import type { ElementType, Feeds, HostTensor, InferenceSession, TensorData } from '@pare/runtime';
import type { Example, NestedNumbers } from './dataset';

// Turns a batch of examples into feeds (stacking each input along a new first axis) and splits
// a batched output back into one flat array per example.

export interface InputSpec {
  name: string;
  type: string;
  /** Declared dimensions; strings are symbolic (dynamic) dimensions. */
  shape: ReadonlyArray<number | string>;
}

export function modelInputs(session: InferenceSession): InputSpec[] {
  return session.inputs.map((m) => ({ name: m.name, type: m.type ?? 'float32', shape: m.shape }));
}

/** The largest batch the model accepts for examples shaped like `example`: 1 where an input has no batch axis or a fixed one. */
export function maxBatchSize(inputs: InputSpec[], example: Example, requested: number): number {
  let limit = requested;
  for (const input of inputs) {
    const value = example.inputs[input.name];
    if (value === undefined) continue;
    const itemRank = shapeOf(value, input.name).length;
    const batchAxis = input.shape[0];
    if (input.shape.length === itemRank || (typeof batchAxis === 'number' && batchAxis > 0)) limit = 1;
  }
  return limit;
}

export function batchFeeds(examples: Example[], inputs: InputSpec[], firstIndex: number): Feeds {
  const feeds: Feeds = {};
  for (const input of inputs) {
    const values: number[] = [];
    let itemShape: number[] | undefined;
    examples.forEach((example, offset) => {
      const value = example.inputs[input.name];
      const where = `example ${firstIndex + offset}`;
      if (value === undefined) {
        throw new PareError('dataset_invalid', `data: ${where} has no value for model input "${input.name}" (the model's inputs are ${inputs.map((i) => i.name).join(', ')}).`);
      }
      const shape = shapeOf(value, `${where}, input "${input.name}"`);
      if (itemShape && shape.join('x') !== itemShape.join('x')) {
        throw new PareError('dataset_invalid', `data: ${where}, input "${input.name}" has shape [${shape}] but earlier examples in its batch have [${itemShape}]; use batchSize 1 for ragged data.`);
      }
      itemShape = shape;
      flattenInto(value, values);
    });
    const shape = itemShape ?? [];
    const stacked = input.shape.length === shape.length + 1;
    if (!stacked && !(input.shape.length === shape.length && examples.length === 1)) {
      throw new PareError('dataset_invalid', `data: input "${input.name}" expects rank ${input.shape.length} ([${input.shape.join(', ')}]) but examples give shape [${shape}] per example.`);
    }
    feeds[input.name] = { type: input.type as ElementType, data: typedArray(input.type, values, input.name), dims: stacked ? [examples.length, ...shape] : shape };
  }
  return feeds;
}

/** One flat number array per example from a batched output tensor. */
export function splitOutput(tensor: HostTensor, batch: number): number[][] {
  const data = tensor.data as ArrayLike<number | bigint>;
  const per = Math.floor(data.length / batch);
  const out: number[][] = [];
  for (let b = 0; b < batch; b++) {
    const item: number[] = new Array(per);
    for (let i = 0; i < per; i++) item[i] = Number(data[b * per + i]);
    out.push(item);
  }
  return out;
}

function shapeOf(value: NestedNumbers, where: string): number[] {
  if (typeof value === 'number') return [];
  if (!Array.isArray(value) || value.length === 0) throw new PareError('dataset_invalid', `data: ${where} must be a number or a non-empty array of numbers.`);
  const inner = shapeOf(value[0]!, where);
  for (const item of value) {
    if (shapeOf(item, where).join('x') !== inner.join('x')) throw new PareError('dataset_invalid', `data: ${where} is a ragged array; every row must have the same length.`);
  }
  return [value.length, ...inner];
}

function flattenInto(value: NestedNumbers, out: number[]): void {
  if (typeof value === 'number') out.push(value);
  else for (const item of value) flattenInto(item, out);
}

function typedArray(type: string, values: number[], name: string): TensorData {
  switch (type) {
    case 'float32': return Float32Array.from(values);
    case 'float64': return Float64Array.from(values);
    case 'int32': return Int32Array.from(values);
    case 'int64': return BigInt64Array.from(values, (v) => BigInt(Math.trunc(v)));
    case 'uint8': case 'bool': return Uint8Array.from(values);
    case 'int8': return Int8Array.from(values);
    default: throw new PareError('input_type_unsupported', `Model input "${name}" has element type ${type}; batch jobs feed float32, float64, int32, int64, uint8, int8 and bool.`);
  }
}
