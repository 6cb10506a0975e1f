// A model with every Constant form, for the constantsToInitializers tests here and the one that runs it
// (packages/runtime/test/encodedModels.test.ts).
import { DataType } from '../src/dataType';
import { GraphBuilder } from '../src/graphBuilder';
import { makeTensor } from '../src/tensorData';

/** x * value (+ value_floats) reshaped by value_ints, with a Constant inside an If branch too. */
export function constantsModel(irVersion = 8) {
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
