import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from './graphBuilder';
import { decodeModel, encodeModel } from './codec';
import { PareError } from '@pare/errors';

describe('GraphBuilder', () => {
  it('builds an MLP that onnxruntime runs with the expected result', async () => {
    const b = new GraphBuilder('mlp');
    const x = b.input('x', 'float32', ['batch', 2]);
    const w = b.initializer('w', 'float32', [2, 3], [1, 2, 3, 4, 5, 6]);
    const bias = b.initializer('b', 'float32', [3], [0.5, -10, 0]);
    const y = b.op('Relu', [b.op('Add', [b.op('MatMul', [x, w]), bias])]);
    b.output(y, 'float32', ['batch', 3]);
    const bytes = encodeModel(b.build());
    const session = await ort.InferenceSession.create(bytes);
    const result = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 1, -1, 0]), [2, 2]) });
    expect(Array.from(result[y]!.data as Float32Array)).toEqual([5.5, 0, 9, 0, 0, 0]);
    expect(decodeModel(bytes).model.graph!.node.map((n) => n.op_type)).toEqual(['MatMul', 'Add', 'Relu']);
  });

  it('refuses a value name used twice', () => {
    const b = new GraphBuilder('g');
    b.input('x', 'float32', [1]);
    expect(() => b.initializer('x', 'float32', [1], [1])).toThrow(PareError);
  });
});
