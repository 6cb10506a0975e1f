import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './graphBuilder';
import { encodeModel } from './codec';
import { findConstantShapeBombs } from './constantShapeBombs';
import { makeTensor } from './tensorData';
import { DataType } from './dataType';

const LIMIT = 64 * 1024 * 1024;

function bytesOf(b: GraphBuilder): Uint8Array {
  return encodeModel(b.build());
}

describe('findConstantShapeBombs', () => {
  it('finds a ConstantOfShape 30000×30000 whose shape is an initializer', () => {
    const b = new GraphBuilder('bomb');
    const x = b.input('x', 'float32', [1]);
    const shape = b.initializer('shape', 'int64', [2], BigInt64Array.from([30000n, 30000n]));
    const big = b.op('ConstantOfShape', [shape]);
    b.output(b.op('Add', [big, x]), 'float32', [30000, 30000]);
    expect(findConstantShapeBombs(bytesOf(b), LIMIT)).toEqual([expect.objectContaining({ graph: 'main', op: 'ConstantOfShape', elements: 900_000_000 })]);
  });

  it('finds an Expand fed by a Constant node, and a Range with constant bounds', () => {
    const b = new GraphBuilder('bombs');
    const x = b.input('x', 'float32', [1]);
    const shape = b.op('Constant', [], { value: makeTensor('s', DataType.INT64, [3], BigInt64Array.from([4096n, 4096n, 64n])) });
    const expanded = b.op('Expand', [x, shape]);
    const start = b.initializer('start', 'int64', [], BigInt64Array.from([0n]));
    const limit = b.initializer('limit', 'int64', [], BigInt64Array.from([10n ** 12n]));
    const delta = b.initializer('delta', 'int64', [], BigInt64Array.from([1n]));
    b.output(expanded, 'float32', [4096, 4096, 64]);
    b.output(b.op('Range', [start, limit, delta]), 'int64', ['n']);
    const found = findConstantShapeBombs(bytesOf(b), LIMIT).map((f) => [f.op, f.elements]);
    expect(found).toEqual([['Expand', 4096 * 4096 * 64], ['Range', 1e12]]);
  });

  it('passes shapes within the bound and shapes computed at run time', () => {
    const b = new GraphBuilder('fine');
    const x = b.input('x', 'float32', ['n', 8]);
    const small = b.op('ConstantOfShape', [b.initializer('shape', 'int64', [2], BigInt64Array.from([16n, 8n]))]);
    const runtimeShape = b.op('Expand', [small, b.op('Shape', [x])]);
    b.output(b.op('Add', [runtimeShape, x]), 'float32', ['n', 8]);
    expect(findConstantShapeBombs(bytesOf(b), LIMIT)).toEqual([]);
  });

  it('looks inside If bodies', () => {
    const body = new GraphBuilder('then');
    const shape = body.initializer('shape', 'int64', [2], BigInt64Array.from([100000n, 100000n]));
    body.output(body.op('ConstantOfShape', [shape]), 'float32', [100000, 100000]);
    const b = new GraphBuilder('branchy');
    const cond = b.input('cond', 'bool', [1]);
    b.node('If', [cond], { name: 'If_0', outputs: ['y'], attributes: { then_branch: body.graph(), else_branch: body.graph() } });
    b.output('y', 'float32', [100000, 100000]);
    const found = findConstantShapeBombs(bytesOf(b), LIMIT);
    expect(found.map((f) => f.graph)).toEqual(['main/If_0.then_branch', 'main/If_0.else_branch']);
  });
});
