import { describe, expect, it } from 'vitest';
import { encodeModel, upgradeOpset, type Model } from '@pare/onnx';
import { PareError } from '@pare/errors';
import { realModels } from '../../../onnx/test/fixtures';
import type { Feeds } from '@pare/runtime';
import { calibrate } from '../calibrate/calibrate';
import { quantizeStaticInt8 } from './quantizeStaticInt8';
import { convNet, mlp } from '../../test/builtModels';
import { documentImage, loadModel } from '../../test/inputs';
import { floatFeed, minCosine, backends, nodeInt8Floor, runModel, type Runtime } from '../../test/runtimes';

async function fidelity(reference: Model, candidate: Model, feeds: Feeds[]): Promise<Record<Runtime, number>> {
  const out = {} as Record<Runtime, number>;
  for (const rt of ['node', 'web'] as const) {
    out[rt] = minCosine(await runModel(rt, encodeModel(reference), feeds), await runModel(rt, encodeModel(candidate), feeds));
  }
  return out;
}

describe('quantizeStaticInt8 (QDQ)', () => {
  it.each(['uint8', 'int8'] as const)('conv net, %s activations: QDQ around every Conv, int32 biases, cosine ≥ 0.999 in both runtimes (node ≥ 0.98 on a saturating CPU)', async (activationType) => {
    const model = convNet();
    const samples = [1, 2, 3].map((s) => floatFeed('x', [2, 3, 32, 32], s));
    const ranges = await calibrate(model, samples, backends.node);
    const { model: q, report } = quantizeStaticInt8(model, { ranges, activationType });
    const ops = q.graph!.node.map((n) => n.op_type);
    expect(ops.filter((o) => o === 'QuantizeLinear').length).toBeGreaterThanOrEqual(3);
    const zp = q.graph!.initializer.find((t) => t.name === 'x_zero_point')!;
    expect(zp.data_type).toBe(activationType === 'uint8' ? 2 : 3);
    expect(report.tensors.find((t) => t.name === 'conv2.w')!.detail).toMatchObject({ dtype: 'int8', symmetric: true, granularity: 'per-channel(axis 0)' });
    expect(report.tensors.find((t) => t.name === 'conv2.b')!.detail).toMatchObject({ dtype: 'int32', role: 'bias' });
    expect(report.tensors.filter((t) => t.detail?.dtype === 'int8').map((t) => t.name)).toEqual(['conv1.w', 'conv2.w', 'fc.w']);
    const f = await fidelity(model, q, [floatFeed('x', [2, 3, 32, 32], 9)]);
    // onnxruntime-node fuses the QDQ convs into u8 × s8 integer kernels; 0.993 measured on a saturating CPU.
    expect(f.node).toBeGreaterThan(await nodeInt8Floor(0.999, 0.98));
    expect(f.web).toBeGreaterThan(0.999);
  });

  it('MatMul MLP: ≤ 0.27 of the fp32 file; the graph output stays fp32', async () => {
    const model = mlp([256, 1024, 1024, 10]);
    const ranges = await calibrate(model, [floatFeed('x', [8, 256], 1)], backends.node);
    const { model: q } = quantizeStaticInt8(model, { ranges });
    expect(encodeModel(q).byteLength / encodeModel(model).byteLength).toBeLessThanOrEqual(0.27);
    const f = await fidelity(model, q, [floatFeed('x', [4, 256], 2)]);
    expect(f.web).toBeGreaterThan(0.999);
  });

  it('skips nodes whose activations have no range, and says which', () => {
    const model = convNet();
    const { report } = quantizeStaticInt8(model, { ranges: {} });
    expect(report.tensors).toHaveLength(0);
    expect(report.skipped.map((s) => s.reason)).toContain('no calibration range for "x"');
    expect(() => quantizeStaticInt8(model, undefined as never)).toThrow(/needs `ranges`/);
  });

  it('refuses a model whose opset is too old: per-channel needs 13, per-tensor 10', () => {
    const model = convNet({ opset: 11 });
    const e = (() => { try { quantizeStaticInt8(model, { ranges: {} }); } catch (err) { return err; } })() as PareError;
    expect(e).toBeInstanceOf(PareError);
    expect(e.code).toBe('opset_too_old');
    expect(e.message).toMatch(/needs ONNX opset 13 or newer, but the model imports opset 11/);
    expect(() => quantizeStaticInt8(model, { ranges: {}, perChannel: false })).not.toThrow();
    expect(() => quantizeStaticInt8(convNet({ opset: 9 }), { ranges: {}, perChannel: false })).toThrow(/opset 10/);
  });
});

describe('quantizeStaticInt8 on real models', () => {
  it('wake-word head (Gemm + layer norms, weights in Constant nodes): cosine ≥ 0.99 in both runtimes', async () => {
    const model = loadModel(realModels.wakeWord);
    const feeds = [1, 2, 3, 4].map((s) => floatFeed('onnx::Flatten_0', [1, 25, 96], s, -2, 2));
    const ranges = await calibrate(model, feeds, backends.node);
    const { model: q, report } = quantizeStaticInt8(model, { ranges });
    expect(report.tensors.filter((t) => t.detail?.op === 'Gemm').length).toBeGreaterThanOrEqual(2);
    const f = await fidelity(model, q, [5, 6].map((s) => floatFeed('onnx::Flatten_0', [1, 25, 96], s, -2, 2)));
    expect(f.node).toBeGreaterThan(0.99);
    expect(f.web).toBeGreaterThan(0.99);
  });

  it('PP-OCR direction classifier (opset 9 → upgraded): cosine ≥ 0.99 in both runtimes', async () => {
    const model = upgradeOpset(loadModel(realModels.ocrCls), 13).model;
    const ranges = await calibrate(model, [1, 2, 3, 4].map((s) => documentImage(48, 192, s)), backends.node);
    const { model: q, report } = quantizeStaticInt8(model, { ranges });
    expect(report.tensors.filter((t) => t.detail?.dtype === 'int8').length).toBeGreaterThan(20);
    const f = await fidelity(model, q, [documentImage(48, 192, 7), documentImage(48, 192, 8)]);
    expect(f.node).toBeGreaterThan(0.99);
    expect(f.web).toBeGreaterThan(0.99);
  });

  it('PP-OCRv4 det (opset 11 → upgraded): runs in both runtimes with cosine ≥ 0.93 (node ≥ 0.90 on a saturating CPU; activation error; docs/platform.md)', async () => {
    const model = upgradeOpset(loadModel(realModels.ocrDet), 13).model;
    const ranges = await calibrate(model, [1, 2, 3].map((s) => documentImage(128, 128, s)), backends.node);
    const { model: q } = quantizeStaticInt8(model, { ranges });
    // Measured 0.945 here (0.986 at 160x160 with 4 calibration images); weight-only int8 of the same model keeps
    // 0.9997, so the loss is activation quantization, spread over many layers (no single exclusion recovers it).
    const f = await fidelity(model, q, [documentImage(128, 128, 9)]);
    // On a CPU that saturates u8 × s8 products onnxruntime-node measured 0.926 (wasm 0.961).
    expect(f.node).toBeGreaterThan(await nodeInt8Floor(0.93, 0.9));
    expect(f.web).toBeGreaterThan(0.93);
    expect(encodeModel(q).byteLength / encodeModel(model).byteLength).toBeLessThan(0.31);
  });
});
