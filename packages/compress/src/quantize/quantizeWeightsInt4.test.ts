import { describe, expect, it } from 'vitest';
import { encodeModel, opCounts, upgradeOpset, type Model } from '@pare/onnx';
import { servedModel } from '@pare/runtime';
import { realModels } from '../../../onnx/test/fixtures';
import { quantizeWeightsInt4 } from './quantizeWeightsInt4';
import { packNBits } from './matMulNBits';
import { mlp } from '../../test/builtModels';
import { documentImage, loadModel } from '../../test/inputs';
import { floatFeed, minCosine, runModel } from '../../test/runtimes';
import type { Feeds } from '@pare/runtime';

async function cosines(reference: Model, candidate: Model, feeds: Feeds[]): Promise<number[]> {
  const out = [];
  for (const rt of ['node', 'web'] as const) out.push(minCosine(await runModel(rt, encodeModel(reference), feeds), await runModel(rt, encodeModel(candidate), feeds)));
  return out;
}

describe('packNBits', () => {
  it('4-bit codes two per byte, low nibble first; asymmetric zero points packed per column; padding dequantizes to 0', () => {
    // K = 3 (padded to a block of 16), N = 1: w = [-1, 0, 2].
    const sym = packNBits(Float32Array.of(-1, 0, 2), 3, 1, { bits: 4, blockSize: 16, symmetric: true });
    // Of the scales tried (|max| / 7, clipped by 0.95, 0.9, 0.85), 0.95 · 2/7 has the least squared error here:
    // codes q + 8 are -1 → round(-3.68) = -4 → 4, 0 → 8, 2 → round(7.37) = 7 → 15; padding is the zero point 8.
    expect(sym.scales[0]).toBeCloseTo((0.95 * 2) / 7, 6);
    expect(Array.from(sym.packed.subarray(0, 3))).toEqual([4 | (8 << 4), 15 | (8 << 4), 8 | (8 << 4)]);
    expect(sym.zeroPoints).toBeUndefined();
    const asym = packNBits(Float32Array.of(-1, 0, 2), 3, 1, { bits: 4, blockSize: 16, symmetric: false });
    // scale 3/15 = 0.2, zero point round(1 / 0.2) = 5: codes 0, 5, 15.
    expect(asym.scales[0]).toBeCloseTo(0.2, 6);
    expect(Array.from(asym.zeroPoints!)).toEqual([5]);
    expect(Array.from(asym.packed.subarray(0, 2))).toEqual([0 | (5 << 4), 15 | (5 << 4)]);
    expect(Array.from(asym.restored)).toEqual([-1, 0, 2].map((v) => Math.fround(v)));
  });
});

describe('quantizeWeightsInt4', () => {
  it.each([
    [32, false, 0.16],
    [128, true, 0.14],
  ] as const)('MLP, block %i asymmetric=%s: MatMulNBits bits=4, ≤ %f of the fp32 file, cosine ≥ 0.99 in both runtimes', async (blockSize, asymmetric, maxRatio) => {
    const model = mlp([256, 1024, 1024, 10]);
    const { model: q, report } = quantizeWeightsInt4(model, { blockSize, asymmetric });
    const nbits = q.graph!.node.filter((n) => n.op_type === 'MatMulNBits');
    expect(nbits).toHaveLength(3);
    expect(nbits.every((n) => n.domain === 'com.microsoft' && n.attribute.find((a) => a.name === 'bits')!.i === 4)).toBe(true);
    expect(nbits.every((n) => n.input.length === (asymmetric ? 4 : 3))).toBe(true);
    expect(report.tensors[0]!.detail).toMatchObject({ dtype: 'int4', granularity: `block ${blockSize} along K`, symmetric: !asymmetric });
    expect(encodeModel(q).byteLength / encodeModel(model).byteLength).toBeLessThanOrEqual(maxRatio);
    for (const c of await cosines(model, q, [floatFeed('x', [4, 256], 1)])) expect(c).toBeGreaterThan(0.99);
    // MatMulNBits has kernels in both runtimes: nothing for serving to fold.
    expect(servedModel(encodeModel(q)).folded).toBe(0);
  });

  it('Gemm with transB, alpha and beta (PyTorch Linear layout): same outputs within 4-bit error', async () => {
    const model = mlp([128, 256, 10], { gemm: true, seed: 5 });
    const { model: q } = quantizeWeightsInt4(model, { blockSize: 64, asymmetric: true });
    expect(opCounts(q)['com.microsoft.MatMulNBits']).toBe(2);
    for (const c of await cosines(model, q, [floatFeed('x', [3, 128], 2)])) expect(c).toBeGreaterThan(0.99);
  });

  it('PP-OCRv4 rec (conv + transformer MatMuls): MatMuls 4-bit, convs int8 weight-only; cosine ≥ 0.99 asymmetric', async () => {
    const model = upgradeOpset(loadModel(realModels.ocrRec), 13).model;
    const { model: q, report } = quantizeWeightsInt4(model, { asymmetric: true });
    expect(report.tensors.filter((t) => t.detail?.dtype === 'int4').length).toBeGreaterThanOrEqual(9);
    expect(report.tensors.some((t) => t.detail?.op === 'Conv' && t.detail.form === 'int8-weights')).toBe(true);
    expect(encodeModel(q).byteLength / encodeModel(model).byteLength).toBeLessThan(0.24);
    for (const c of await cosines(model, q, [documentImage(48, 320, 1)])) expect(c).toBeGreaterThan(0.99);
  });

  it('refuses a block size that is not a power of two in [16, 256], naming the option', () => {
    expect(() => quantizeWeightsInt4(mlp([64, 32]), { blockSize: 48 })).toThrow(expect.objectContaining({ code: 'option_invalid', message: expect.stringMatching(/block size must be a power of two/) }));
  });
});
