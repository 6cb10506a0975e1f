import { describe, expect, it } from 'vitest';
import { constantsToInitializers } from './constantsToInitializers';
import { makeTensor, readTensor } from './tensorData';
import { DataType } from './dataType';
import { constantsModel as model } from '../test/constantsModel';

describe('constantsToInitializers', () => {
  it('moves every main-graph Constant form into an initializer with its values', () => {
    const before = model();
    const { model: after, report } = constantsToInitializers(before);
    expect(report.moved).toHaveLength(4);
    expect(report.kept).toEqual([]);
    expect(after.graph!.node.filter((n) => n.op_type === 'Constant')).toHaveLength(0);
    const byName = new Map(after.graph!.initializer.map((t) => [t.name, t]));
    expect(report.moved.map((n) => Array.from(readTensor(byName.get(n)!) as ArrayLike<number | bigint>))).toEqual([[2, 3], [0.5, 0.25], [1n, 2n], [3n]]);
  });

  it('leaves Constants inside subgraphs alone (their scope is the branch)', () => {
    const { model: after } = constantsToInitializers(model());
    const ifNode = after.graph!.node.find((n) => n.op_type === 'If')!;
    for (const attr of ifNode.attribute) expect(attr.g!.node.some((n) => n.op_type === 'Constant')).toBe(true);
  });

  it('does not change the model it was given', () => {
    const before = model();
    const copy = structuredClone(before);
    constantsToInitializers(before);
    expect(before).toEqual(copy);
  });

  it('keeps a sparse Constant as a node and says why', () => {
    const m = model();
    m.graph!.node.unshift({
      op_type: 'Constant', input: [], output: ['sp'], name: 'sparse', attribute: [{
        name: 'sparse_value', type: 11, floats: [], ints: [], strings: [], tensors: [], graphs: [], sparse_tensors: [], type_protos: [],
        sparse_tensor: { dims: [4], values: makeTensor('v', DataType.FLOAT, [1], [1]), indices: makeTensor('i', DataType.INT64, [1], [2]) },
      }], metadata_props: [],
    });
    const { report } = constantsToInitializers(m);
    expect(report.kept).toEqual([{ name: 'sp', reason: 'Constant with sparse_value is kept as a node' }]);
  });

  it('lists the new initializers as graph inputs for IR < 4, where runtimes require it', () => {
    const { model: after, report } = constantsToInitializers(model(3));
    const inputs = after.graph!.input.map((v) => v.name);
    for (const name of report.moved) expect(inputs).toContain(name);
    expect(constantsToInitializers(model(8)).model.graph!.input.map((v) => v.name)).toEqual(['x', 'flag']);
  });
});
