import { describe, expect, it } from 'vitest';
import { encodeModel, opCounts } from '@pare/onnx';
import { realModels } from '../../../onnx/test/fixtures';
import { dequantizeInitializers } from './dequantizeInitializers';
import { quantizeStaticInt8 } from './quantizeStaticInt8';
import { staticActivationNames } from './staticTargets';
import { quantizeWeightsInt8 } from './quantizeWeightsInt8';
import { convNet, mlp } from '../../test/builtModels';
import { loadModel } from '../../test/inputs';
import { floatFeed, runModel } from '../../test/runtimes';

describe('dequantizeInitializers', () => {
  it.each([
    ['per-channel asymmetric', { perChannel: true, symmetric: false }],
    ['per-tensor symmetric', { perChannel: false, symmetric: true }],
  ] as const)('turns a weight-only int8 MLP (%s) back into plain fp32 MatMuls computing the same values', async (_, options) => {
    const model = mlp([256, 512, 10]);
    const { model: q } = quantizeWeightsInt8(model, options);
    const { model: f, report } = dequantizeInitializers(q);
    expect(opCounts(f)).toEqual(opCounts(model));
    expect(f.graph!.initializer.every((t) => t.data_type === 1)).toBe(true);
    expect(report.tensors.map((t) => t.name).sort()).toEqual(['w0', 'w1']);
    const feed = [floatFeed('x', [2, 256], 3)];
    const [a, b] = [(await runModel('web', encodeModel(q), feed))[0]!, (await runModel('web', encodeModel(f), feed))[0]!];
    for (const [k, v] of Object.entries(a)) v.data.forEach((y, i) => expect(b[k]!.data[i]).toBeCloseTo(y, 4));
    expect(encodeModel(f).byteLength).toBeGreaterThan(encodeModel(q).byteLength * 3.5);
  });

  it('folds the weights and int32 biases of a static QDQ model but leaves activation Q/DQ alone', () => {
    const model = convNet();
    const ranges = Object.fromEntries(staticActivationNames(model).map((n) => [n, { min: -2, max: 2 }]));
    const { model: q } = quantizeStaticInt8(model, { ranges });
    const { model: f } = dequantizeInitializers(q);
    expect(opCounts(q).QuantizeLinear).toBeGreaterThanOrEqual(3);
    expect(opCounts(f).QuantizeLinear).toBe(opCounts(q).QuantizeLinear);
    expect(f.graph!.node.filter((n) => n.op_type === 'DequantizeLinear').length).toBe(opCounts(q).QuantizeLinear);
  });

  it('folds a real model quantized weight-only (PP-OCRv4 det): plain fp32 graph again', () => {
    const { model: q } = quantizeWeightsInt8(loadModel(realModels.ocrDet), { perChannel: false });
    const { model: f } = dequantizeInitializers(q);
    expect(opCounts(f).DequantizeLinear).toBeUndefined();
  });
});
