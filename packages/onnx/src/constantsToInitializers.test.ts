import { describe, expect, it } from 'vitest';
import { constantsToInitializers } from './constantsToInitializers';
import { GraphBuilder } from './graphBuilder';
import { encodeModel } from './codec';
import { makeTensor, readTensor } from './tensorData';
import { DataType } from './dataType';
import { ort, runModel } from '../test/ortRun';

/** x * value (+ value_floats) reshaped by value_ints, with a Constant inside an If branch too. */
function model(irVersion = 8) {
  // Value names must be unique across the whole model (SSA), branches included.
  const branch = (name: string) => {
    const g = new GraphBuilder(name);
    const one = g.node('Constant', [], { outputs: [`${name}_one`], attributes: { value_float: { float: 1 } } })[0]!;
    g.output(g.node('Add', ['x', one], { outputs: [`${name}_out`] })[0]!, 'float32', [2]);
    return g.graph();
  };
  const b = new GraphBuilder('consts');
  const x = b.input('x', 'float32', [2]);
  const flag = b.input('flag', 'bool', []);
  const scaled = b.op('Mul', [x, b.op('Constant', [], { value: makeTensor('', DataType.FLOAT, [2], [2, 3]) })]);
  const shifted = b.op('Add', [scaled, b.op('Constant', [], { value_floats: { floats: [0.5, 0.25] } })]);
  const y = b.op('Reshape', [shifted, b.op('Constant', [], { value_ints: [1, 2] })]);
  const z = b.op('Mul', [y, b.op('Cast', [b.op('Constant', [], { value_int: 3 })], { to: DataType.FLOAT })]);
  b.output(z, 'float32', [1, 2]);
  b.node('If', [flag], { outputs: ['branch_out'], attributes: { then_branch: branch('then'), else_branch: branch('else') } });
  b.output('branch_out', 'float32', [2]);
  const m = b.build();
  m.ir_version = irVersion;
  return m;
}

const feeds = { x: new ort.Tensor('float32', new Float32Array([1, -1]), [2]), flag: new ort.Tensor('bool', new Uint8Array([1]), []) };

describe('constantsToInitializers', () => {
  it('moves every main-graph Constant form into an initializer and keeps outputs identical', async () => {
    const before = model();
    const { model: after, report } = constantsToInitializers(before);
    expect(report.moved).toHaveLength(4);
    expect(report.kept).toEqual([]);
    expect(after.graph!.node.filter((n) => n.op_type === 'Constant')).toHaveLength(0);
    const byName = new Map(after.graph!.initializer.map((t) => [t.name, t]));
    expect(report.moved.map((n) => Array.from(readTensor(byName.get(n)!) as ArrayLike<number | bigint>))).toEqual([[2, 3], [0.5, 0.25], [1n, 2n], [3n]]);
    expect(await runModel(encodeModel(after), feeds)).toEqual(await runModel(encodeModel(before), feeds));
    expect((await runModel(encodeModel(after), feeds))[after.graph!.output[0]!.name!]!.data).toEqual([7.5, -8.25]);
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
