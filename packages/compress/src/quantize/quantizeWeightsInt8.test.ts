import { describe, expect, it } from 'vitest';
import { allGraphs, encodeModel, readTensor, readTensorAsFloat32, upgradeOpset, type Model } from '@pare/onnx';
import { gzipSize } from '@pare/runtime';
import { pruneMagnitude } from '../prune/magnitude';
import { realModels } from '../../../onnx/test/fixtures';
import { quantizeWeightsInt8 } from './quantizeWeightsInt8';
import { convNet, embeddingModel, mlp, sharedTableModel } from '../../test/builtModels';
import { quantizeDynamicInt8 } from './quantizeDynamicInt8';
import { documentImage, loadModel } from '../../test/inputs';
import { floatFeed, minCosine, runModel, type Runtime } from '../../test/runtimes';
import type { Feeds } from '@pare/runtime';

async function fidelity(reference: Model, candidate: Model, feeds: Feeds[]): Promise<Record<Runtime, number>> {
  const out = {} as Record<Runtime, number>;
  for (const rt of ['node', 'web'] as const) {
    out[rt] = minCosine(await runModel(rt, encodeModel(reference), feeds), await runModel(rt, encodeModel(candidate), feeds));
  }
  return out;
}

describe('an embedding table read by several Gathers', () => {
  it('is stored int8 once and every Gather reads it, in the weight-only and the dynamic pass', async () => {
    const model = sharedTableModel();
    const ids = { ids: { type: 'int64' as const, dims: [2, 6], data: BigInt64Array.from([1, 5, 9, 200, 33, 480, 0, 2, 4, 8, 16, 32], BigInt) } };
    for (const pass of [() => quantizeWeightsInt8(model, {}), () => quantizeDynamicInt8(model, {})]) {
      const { model: q, report } = pass();
      const names = q.graph!.initializer.map((t) => t.name);
      expect(names).not.toContain('table');
      expect(names.filter((n) => n!.startsWith('table_quantized'))).toHaveLength(1);
      expect(report.tensors.filter((t) => t.name === 'table')).toHaveLength(1);
      expect(q.graph!.node.filter((n) => n.op_type === 'Gather' && n.input[0] === 'table')).toHaveLength(0);
      const f = await fidelity(model, q, [ids]);
      expect(f.node).toBeGreaterThan(0.999);
      expect(f.web).toBeGreaterThan(0.999);
    }
  });
});

describe('quantizeWeightsInt8', () => {
  it('MLP: int8 weights behind DequantizeLinear, ≤ 0.27 of the fp32 file, cosine ≥ 0.9999 in both runtimes', async () => {
    const model = mlp([256, 1024, 1024, 10]);
    const { model: q, report } = quantizeWeightsInt8(model, {});
    expect(encodeModel(q).byteLength / encodeModel(model).byteLength).toBeLessThanOrEqual(0.27);
    expect(q.graph!.node.filter((n) => n.op_type === 'DequantizeLinear')).toHaveLength(3);
    // Balanced random weights: a zero point per column would not cut the error by a fifth, so 'auto' stores none.
    expect(report.tensors[0]!.detail).toMatchObject({ dtype: 'int8', symmetric: true, granularity: 'per-channel(axis 1)', op: 'MatMul' });
    expect(q.graph!.node.filter((n) => n.op_type === 'DequantizeLinear').every((n) => n.input.length === 2)).toBe(true);
    const f = await fidelity(model, q, [floatFeed('x', [4, 256], 1)]);
    expect(f.node).toBeGreaterThan(0.9999);
    expect(f.web).toBeGreaterThan(0.9999);
  });

  it('embedding tables: int8 rows gathered first, then dequantized (no whole-table DequantizeLinear per run)', async () => {
    const model = embeddingModel(2000, 64);
    const { model: q, report } = quantizeWeightsInt8(model, {});
    const gather = q.graph!.node.find((n) => n.op_type === 'Gather' && n.input[1] === 'ids')!;
    expect(q.graph!.initializer.find((t) => t.name === gather.input[0])!.data_type).toBe(3); // int8 table
    expect(report.tensors.find((t) => t.name === 'embedding')!.detail).toMatchObject({ granularity: 'per-row' });
    const ids: Feeds = { ids: { type: 'int64', data: BigInt64Array.from([5n, 1999n, 0n, 42n]), dims: [2, 2] } };
    const f = await fidelity(model, q, [ids]);
    expect(f.node).toBeGreaterThan(0.999);
    expect(f.web).toBeGreaterThan(0.999);
  });

  it('skewed conv weights (all negative): asymmetric scales halve the error of symmetric ones', async () => {
    const model = convNet({ skewed: true });
    const feeds = [floatFeed('x', [2, 3, 32, 32], 4)];
    const err = (symmetric: boolean, perChannel: boolean): number =>
      quantizeWeightsInt8(model, { symmetric, perChannel }).report.tensors.find((t) => t.name === 'conv2.w')!.detail!.relativeError as number;
    expect(err(false, false)).toBeLessThan(err(true, false) * 0.6);
    expect(err(false, true)).toBeLessThan(err(true, true) * 0.6);
    const asym = quantizeWeightsInt8(model, { symmetric: false });
    expect(asym.report.tensors.find((t) => t.name === 'conv2.w')!.detail).toMatchObject({ symmetric: false, op: 'Conv' });
    // The default ('auto') measures both and keeps the zero point where it pays, as here.
    const auto = quantizeWeightsInt8(model, {});
    expect(auto.report.tensors.find((t) => t.name === 'conv2.w')!.detail).toMatchObject({ symmetric: false, symmetryChoice: expect.stringMatching(/^auto: asymmetric/) });
    const f = await fidelity(model, asym.model, feeds);
    expect(f.node).toBeGreaterThan(0.9999);
    expect(f.web).toBeGreaterThan(0.9999);
  });

  it('pruned weights: every zero is stored as the byte 0x00 (symmetric, no zero point), so gzip packs them', async () => {
    const model = mlp([128, 512, 256, 10], { seed: 3 });
    const pruned = pruneMagnitude(model, { sparsity: 0.5 }).model;
    const { model: q, report } = quantizeWeightsInt8(pruned, {});
    const prunedValues = new Map(pruned.graph!.initializer.map((t) => [t.name!, readTensorAsFloat32(t)]));
    for (const change of report.tensors) {
      expect(change.detail).toMatchObject({ symmetric: true, symmetryChoice: expect.stringMatching(/zeros, stored as 0x00/) });
      const dq = q.graph!.node.find((n) => n.op_type === 'DequantizeLinear' && n.output[0] === change.name)!;
      expect(dq.input).toHaveLength(2); // no zero-point tensor: zero point 0
      const bytes = readTensor(q.graph!.initializer.find((t) => t.name === dq.input[0])!) as Int8Array;
      const before = prunedValues.get(change.name)!;
      let zeros = 0;
      before.forEach((v, i) => { if (v === 0) { zeros++; expect(bytes[i]).toBe(0); } });
      expect(zeros / before.length).toBeGreaterThanOrEqual(0.5);
    }
    // Per-channel zero points would scatter the zeros over as many byte values as there are columns.
    const asym = quantizeWeightsInt8(pruned, { symmetric: false }).model;
    expect(await gzipSize(encodeModel(q))).toBeLessThan((await gzipSize(encodeModel(asym))) * 0.95); // 0.92 here; 0.83 on PP-OCRv4 det (p50)
  });

  it('refuses per-channel on opset 9 (PP-OCR cls) with the fix in the message; runs once upgraded', async () => {
    const model = loadModel(realModels.ocrCls);
    expect(() => quantizeWeightsInt8(model, {})).toThrow(expect.objectContaining({ code: 'opset_too_old', message: expect.stringMatching(/opset 13.*imports opset 9.*upgradeOpset/) }));
    expect(() => quantizeWeightsInt8(model, { perChannel: false })).toThrow(/opset 10/);
    const upgraded = upgradeOpset(model, 13).model;
    const { model: q } = quantizeWeightsInt8(upgraded, {});
    const f = await fidelity(model, q, [documentImage(48, 192, 1), documentImage(48, 192, 2)]);
    expect(f.node).toBeGreaterThan(0.999);
    expect(f.web).toBeGreaterThan(0.999);
  });

  it('PP-OCRv4 det (conv-heavy, opset 11): per-tensor needs no upgrade; per-channel keeps cosine ≥ 0.999', async () => {
    const model = loadModel(realModels.ocrDet);
    const feeds = [documentImage(128, 128, 3)];
    const perTensor = quantizeWeightsInt8(model, { perChannel: false });
    const perChannel = quantizeWeightsInt8(upgradeOpset(model, 13).model, {});
    const ft = await fidelity(model, perTensor.model, feeds);
    const fc = await fidelity(model, perChannel.model, feeds);
    expect(fc.node).toBeGreaterThan(0.999);
    expect(fc.web).toBeGreaterThan(0.999);
    expect(ft.node).toBeGreaterThan(0.99);
    expect(encodeModel(perChannel.model).byteLength / encodeModel(model).byteLength).toBeLessThan(0.3);
  });

  it('Silero VAD: the LSTM weights inside the If bodies go int8 there, the conv weights the bodies read from the main graph too', () => {
    const model = loadModel(realModels.sileroVad);
    const { model: q, report } = quantizeWeightsInt8(model, {});
    expect(report.tensors.map((t) => t.name)).toContain('model.feature_extractor.forward_basis_buffer');
    // Four LSTM bodies (16 kHz / 8 kHz, with and without state), two LSTMs each, W and R: 16 body-local tensors.
    const inBodies = report.tensors.filter((t) => typeof t.detail?.graph === 'string');
    expect(inBodies).toHaveLength(16);
    expect(inBodies.every((t) => t.detail!.op === 'LSTM' && t.detail!.granularity === 'per-channel(axis 1)')).toBe(true);
    const bodies = allGraphs(q).filter((g) => g.graph.node.some((n) => n.op_type === 'LSTM'));
    for (const { graph } of bodies) {
      const dq = new Set(graph.node.filter((n) => n.op_type === 'DequantizeLinear').flatMap((n) => n.output));
      for (const lstm of graph.node.filter((n) => n.op_type === 'LSTM')) expect(dq.has(lstm.input[1]!) && dq.has(lstm.input[2]!)).toBe(true);
    }
    expect(encodeModel(q).byteLength).toBeLessThan(encodeModel(model).byteLength * 0.3); // 0.29; onnxruntime's quantizer: 0.65
    expect(report.notes.join(' ')).toMatch(/18 subgraph\(s\) \(If\/Loop\/Scan bodies\): 16 weight tensor\(s\) inside them quantized/);
  });
});
