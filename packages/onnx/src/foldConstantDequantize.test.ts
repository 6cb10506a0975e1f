import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from './codec';
import { foldConstantDequantize } from './foldConstantDequantize';
import { GraphBuilder } from './graphBuilder';
import { allGraphs, opCounts } from './graphWalk';
import { floatToHalf, readTensor } from './tensorData';

/** x [1, 2] · DQ(int8 [2, 3], per-column scale, zero point), inside the then branch of an If; an fp16 Cast in main. */
function model(): Uint8Array {
  const body = new GraphBuilder('then');
  const q = body.initializer('wq', 'int8', [2, 3], Int8Array.of(1, -2, 3, 4, 5, -6));
  const s = body.initializer('ws', 'float32', [3], Float32Array.of(0.5, 0.25, 2));
  const z = body.initializer('wz', 'int8', [3], Int8Array.of(1, 0, -1));
  const w = body.node('DequantizeLinear', [q, s, z], { attributes: { axis: 1 }, outputs: ['w'] })[0]!;
  body.node('MatMul', ['x', w], { outputs: ['y_then'] });
  body.output('y_then', 'float32', [1, 3]);
  const other = new GraphBuilder('else');
  other.node('Identity', ['bias'], { outputs: ['y_else'] });
  other.output('y_else', 'float32', [1, 3]);
  const b = new GraphBuilder('main');
  b.input('x', 'float32', [1, 2]);
  b.input('flag', 'bool', []);
  const half = b.initializer('bias_fp16', 'float16', [1, 3], Uint16Array.from([1, 2, 3].map(floatToHalf)));
  b.node('Cast', [half], { attributes: { to: 1 }, outputs: ['bias'] });
  b.node('If', ['flag'], { attributes: { then_branch: body.graph(), else_branch: other.graph() }, outputs: ['y'] });
  b.output('y', 'float32', [1, 3]);
  return encodeModel(b.build());
}

describe('foldConstantDequantize (on the wire)', () => {
  it('folds a DequantizeLinear inside an If body and an fp16 Cast in the main graph into fp32 initializers', () => {
    const bytes = model();
    const { bytes: out, report } = foldConstantDequantize(bytes);
    expect(report.folded.map((f) => [f.name, f.op, f.graph])).toEqual([['w', 'DequantizeLinear', expect.stringMatching(/^main\/If.*then_branch$/)], ['bias', 'Cast', 'main']]);
    expect([...report.opTypes].sort()).toEqual(['Cast', 'DequantizeLinear', 'Identity', 'If', 'MatMul']);
    const folded = decodeModel(out).model;
    expect(opCounts(folded)).toEqual({ If: 1, MatMul: 1, Identity: 1 });
    const then = allGraphs(folded).find((g) => g.path.endsWith('then_branch'))!.graph;
    expect(then.initializer.map((t) => t.name)).toEqual(['w']);
    expect(Array.from(readTensor(then.initializer[0]!) as Float32Array)).toEqual([0, -0.5, 8, 1.5, 1.25, -10]);
    expect(Array.from(readTensor(folded.graph!.initializer.find((t) => t.name === 'bias')!) as Float32Array)).toEqual([1, 2, 3]);
  });

  it('hands back the very same bytes when there is nothing to fold', () => {
    const b = new GraphBuilder('plain');
    b.input('x', 'float32', [2]);
    b.node('Relu', ['x'], { outputs: ['y'] });
    b.output('y', 'float32', [2]);
    const bytes = encodeModel(b.build());
    expect(foldConstantDequantize(bytes).bytes).toBe(bytes);
  });
});
