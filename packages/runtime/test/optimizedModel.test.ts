// nodeOptimizedModel: the graph after onnxruntime's fusions, as ONNX bytes.
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, GraphBuilder } from '@pare/onnx';
import { nodeOptimizedModel } from '../src/node/index';

/** LayerNorm written out op by op, as older exporters emit it. */
function decomposedLayerNorm(): Uint8Array {
  const b = new GraphBuilder('layer-norm');
  const x = b.input('x', 'float32', [1, 4, 8]);
  const mean = b.op('ReduceMean', [x], { axes: [-1], keepdims: 1 });
  const d = b.op('Sub', [x, mean]);
  const p = b.op('Pow', [d, b.initializer('two', 'float32', [], [2])]);
  const v = b.op('ReduceMean', [p], { axes: [-1], keepdims: 1 });
  const s = b.op('Sqrt', [b.op('Add', [v, b.initializer('eps', 'float32', [], [1e-5])])]);
  const n = b.op('Div', [d, s]);
  const scaled = b.op('Mul', [n, b.initializer('gamma', 'float32', [8], Array.from({ length: 8 }, (_, i) => 1 + i / 10))]);
  b.node('Add', [scaled, b.initializer('beta', 'float32', [8], new Array(8).fill(0.1))], { outputs: ['y'] });
  b.output('y', 'float32', [1, 4, 8]);
  return encodeModel(b.build());
}

describe('nodeOptimizedModel', () => {
  it('returns the fused graph: a decomposed LayerNorm becomes one LayerNormalization', async () => {
    const ops = decodeModel(await nodeOptimizedModel(decomposedLayerNorm())).model.graph!.node.map((n) => n.op_type);
    expect(ops).toEqual(['LayerNormalization']);
  });
});
