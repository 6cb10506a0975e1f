import { describe, expect, it } from 'vitest';
import { encodeModel, GraphBuilder, type Model } from '@pare/onnx';
import { foldBatchNorm } from './foldBatchNorm';
import { NameAllocator } from './graphEdit';
import { quantizeWeightsInt8 } from './quantizeWeightsInt8';
import { floatFeed, minCosine, runModel, seededFloats } from '../../test/runtimes';

function convBn(withBias: boolean): Model {
  const b = new GraphBuilder('conv_bn', { opset: 13 });
  const x = b.input('x', 'float32', [1, 4, 8, 8]);
  const w = b.initializer('w', 'float32', [8, 4, 3, 3], seededFloats(288, 1));
  const inputs = [x, w];
  if (withBias) inputs.push(b.initializer('bias', 'float32', [8], seededFloats(8, 2)));
  const c = b.op('Conv', inputs, { pads: [1, 1, 1, 1] });
  const bn = b.op('BatchNormalization', [c, ...['gamma', 'beta', 'mean', 'var'].map((n, i) =>
    b.initializer(n, 'float32', [8], seededFloats(8, 10 + i, n === 'var' ? 0.1 : -1, n === 'var' ? 2 : 1)))], { epsilon: { float: 1e-3 } });
  b.output(b.op('Relu', [bn]), 'float32', [1, 8, 8, 8]);
  return b.build();
}

describe('foldBatchNorm', () => {
  it.each([true, false])('folds BN into the Conv before it (conv bias %s) with the same outputs', async (withBias) => {
    const model = convBn(withBias);
    const folded = structuredClone(model);
    expect(foldBatchNorm(folded.graph!, new NameAllocator(folded))).toBe(1);
    expect(folded.graph!.node.map((n) => n.op_type)).toEqual(['Conv', 'Relu']);
    expect(folded.graph!.initializer.map((t) => t.name).sort()).toEqual(withBias ? ['bias', 'w'] : ['w', 'w_bn_bias']);
    const feed = [floatFeed('x', [1, 4, 8, 8], 3)];
    const [a, b] = [await runModel('node', encodeModel(model), feed), await runModel('node', encodeModel(folded), feed)];
    const ref = a[0]!;
    for (const [k, v] of Object.entries(ref)) v.data.forEach((y, i) => expect(b[0]![k]!.data[i]).toBeCloseTo(y, 4));
  });

  it('runs inside the weight-only and static passes, and says so', async () => {
    const model = convBn(true);
    const { model: q, report } = quantizeWeightsInt8(model, {});
    expect(report.notes).toContain('1 BatchNormalization node(s) folded into the Conv before them.');
    expect(q.graph!.node.some((n) => n.op_type === 'BatchNormalization')).toBe(false);
    const feed = [floatFeed('x', [1, 4, 8, 8], 4)];
    expect(minCosine(await runModel('web', encodeModel(model), feed), await runModel('web', encodeModel(q), feed))).toBeGreaterThan(0.9999);
    expect(quantizeWeightsInt8(model, { foldBatchNorm: false }).model.graph!.node.some((n) => n.op_type === 'BatchNormalization')).toBe(true);
  });
});
