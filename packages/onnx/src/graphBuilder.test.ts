import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './graphBuilder';
import { decodeModel, encodeModel } from './codec';
import { PareError } from '@pare/errors';

describe('GraphBuilder', () => {
  // That onnxruntime runs it with the expected result is checked in packages/runtime/test/encodedModels.test.ts.
  it('builds an MLP whose encoding decodes to its nodes in order', () => {
    const b = new GraphBuilder('mlp');
    const x = b.input('x', 'float32', ['batch', 2]);
    const w = b.initializer('w', 'float32', [2, 3], [1, 2, 3, 4, 5, 6]);
    const bias = b.initializer('b', 'float32', [3], [0.5, -10, 0]);
    const y = b.op('Relu', [b.op('Add', [b.op('MatMul', [x, w]), bias])]);
    b.output(y, 'float32', ['batch', 3]);
    const bytes = encodeModel(b.build());
    expect(decodeModel(bytes).model.graph!.node.map((n) => n.op_type)).toEqual(['MatMul', 'Add', 'Relu']);
  });

  it('refuses a value name used twice', () => {
    const b = new GraphBuilder('g');
    b.input('x', 'float32', [1]);
    expect(() => b.initializer('x', 'float32', [1], [1])).toThrow(PareError);
  });
});
