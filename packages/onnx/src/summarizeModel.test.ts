import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summarizeModel } from './summarizeModel';
import { GraphBuilder } from './graphBuilder';
import { makeTensor } from './tensorData';
import { DataType } from './dataType';
import { decodeModel } from './codec';
import { realModels } from '../test/fixtures';

/** 2x3 weight with two zeros, a bias, a Constant scale, an int64 shape, and an If whose branch holds a weight. */
function known() {
  const branch = new GraphBuilder('branch');
  branch.output(branch.op('Mul', ['y', branch.initializer('k', 'float16', [2, 2], [0x3c00, 0, 0, 0x3c00])]), 'float32', ['N', 3]);
  const b = new GraphBuilder('known', { producer: 'tests' });
  const x = b.input('x', 'float32', ['N', 2]);
  const flag = b.input('flag', 'bool', []);
  const w = b.initializer('w', 'float32', [2, 3], [1, 0, 2, 0, 3, 4]);
  const bias = b.initializer('b', 'float32', [3], [0, 0, 0]); // rank 1: not counted in sparsity
  const scale = b.op('Constant', [], { value: makeTensor('s', DataType.FLOAT, [1], [2]) });
  const shape = b.op('Constant', [], { value_ints: [-1, 3] });
  const y = b.node('Add', [b.op('MatMul', [x, w]), bias], { outputs: ['y'] })[0]!;
  const z = b.op('Reshape', [b.op('Mul', [y, scale]), shape]);
  b.node('If', [flag], { outputs: ['out'], attributes: { then_branch: branch.graph(), else_branch: branch.graph() } });
  b.output(z, 'float32', ['N', 3]);
  b.output('out', 'float32', ['N', 3]);
  const model = b.build();
  model.metadata_props.push({ key: 'license', value: 'MIT' });
  // Old exporters list initializers among the inputs; they are not inputs a caller feeds.
  model.graph!.input.push({ name: 'w', metadata_props: [], type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: [{ dim_value: 2 }, { dim_value: 3 }] } } } });
  return model;
}

describe('summarizeModel', () => {
  const s = summarizeModel(known());

  it('reports versions, producer and metadata', () => {
    expect(s.irVersion).toBe(8);
    expect(s.opsets).toEqual([{ domain: 'ai.onnx', version: 17 }]);
    expect(s.producer).toBe('tests 0.1.0');
    expect(s.graphName).toBe('known');
    expect(s.metadata).toEqual({ license: 'MIT' });
  });

  it('lists inputs a caller feeds and outputs, with dtypes and symbolic shapes', () => {
    expect(s.inputs).toEqual([
      { name: 'x', dtype: 'float32', shape: ['N', 2] },
      { name: 'flag', dtype: 'bool', shape: [] },
    ]);
    expect(s.outputs.map((o) => o.name)).toEqual([expect.stringMatching(/^reshape/), 'out']);
  });

  it('counts parameters by dtype across initializers, Constant nodes and both If branches', () => {
    expect(s.parameters.byDtype).toEqual([
      { dtype: 'float32', tensors: 3, count: 10, bytes: 40 }, // w, b, the Constant scale
      { dtype: 'int64', tensors: 1, count: 2, bytes: 16 }, // the Constant shape
      { dtype: 'float16', tensors: 2, count: 8, bytes: 16 }, // k in each branch
    ]);
    expect(s.parameters).toMatchObject({ tensors: 6, count: 20, bytes: 72, inConstantNodes: 2, external: 0 });
  });

  it('measures sparsity over float weights of rank 2 or more (half floats decoded)', () => {
    // w: 2 zeros of 6; k (twice): 2 zeros of 4 each; the all-zero bias is rank 1 and left out.
    expect(s.sparsity).toEqual({ zeros: 6, elements: 14, fraction: 6 / 14 });
  });

  it('counts ops everywhere, most frequent first, and the subgraphs', () => {
    expect(s.opCounts).toEqual({ Mul: 3, Constant: 2, Add: 1, If: 1, MatMul: 1, Reshape: 1 });
    expect(Object.keys(s.opCounts)[0]).toBe('Mul');
    expect(s.nodeCount).toBe(9); // 7 in the main graph, one Mul per branch
    expect(s.subgraphCount).toBe(2);
  });

  it('counts external tensors from their shapes without reading them', () => {
    const model = known();
    const w = model.graph!.initializer[0]!;
    Object.assign(w, { raw_data: undefined, data_location: 1, external_data: [{ key: 'location', value: 'w.bin' }] });
    const ext = summarizeModel(model);
    expect(ext.parameters.external).toBe(1);
    expect(ext.parameters.count).toBe(20);
    expect(ext.sparsity.elements).toBe(8);
  });

  it('summarizes a real model whose weights all sit in Constant nodes (OCR classifier)', () => {
    const real = summarizeModel(decodeModel(readFileSync(realModels.ocrCls)).model);
    expect(real.parameters.tensors).toBe(real.parameters.inConstantNodes);
    expect(real.parameters.byDtype[0]!.dtype).toBe('float32');
    expect(real.parameters.bytes).toBeGreaterThan(500_000);
    expect(real.opCounts.Conv).toBe(53);
    expect(real.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: ['p2o.DynamicDimension.0', 3, 'p2o.DynamicDimension.1', 'p2o.DynamicDimension.2'] }]);
  });
});
