import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { decodeModel, encodeModel, makeTensor, readTensorAsFloat32, DataType } from '@pare/onnx';
import { generateInputs } from '@pare/runtime';
import { nodeBackend } from '@pare/runtime/node';
import { webNodeBackend } from '@pare/runtime/web-node';
import { realModels } from '../../onnx/test/fixtures';
import { evaluateFidelity } from '../src/evaluate/evaluateFidelity';

/** The wake-word model with every float initializer scaled by (1 + eps): a near-identical candidate. */
function perturbed(bytes: Uint8Array, eps: number): Uint8Array {
  const { model } = decodeModel(bytes);
  model.graph!.initializer = model.graph!.initializer.map((t) => {
    if (t.data_type !== DataType.FLOAT || t.dims.length < 2) return t;
    return makeTensor(t.name ?? '', DataType.FLOAT, t.dims, readTensorAsFloat32(t).map((v, i) => v * (1 + eps * (i % 3 - 1))));
  });
  return encodeModel(model);
}

describe('evaluateFidelity on a real model', () => {
  const reference = new Uint8Array(fs.readFileSync(realModels.wakeWord));

  it('reports identical models as identical in both runtimes, with timings', async () => {
    const session = await nodeBackend.createSession(reference);
    const samples = generateInputs(session.inputs, { count: 3 });
    await session.release();
    const report = await evaluateFidelity(reference, reference, samples, [nodeBackend, webNodeBackend]);
    expect(report.backends.map((b) => b.backend)).toEqual(['onnxruntime-node', 'onnxruntime-web (wasm)']);
    for (const b of report.backends) {
      expect(b.overall.cosineMean).toBeCloseTo(1, 6);
      expect(b.overall.maxAbsError).toBeLessThan(1e-5);
      expect(b.candidate.runMs).toBeGreaterThan(0);
    }
  });

  it('sees a perturbed candidate as close but not identical', async () => {
    const session = await nodeBackend.createSession(reference);
    const samples = generateInputs(session.inputs, { count: 2 });
    await session.release();
    const report = await evaluateFidelity(reference, perturbed(reference, 0.05), samples, [nodeBackend]);
    const f = report.backends[0]!.overall;
    expect(f.maxAbsError).toBeGreaterThan(0);
    expect(f.cosineMin).toBeGreaterThan(0.9);
  });

  it('reports accuracy of both models with labelled samples (score-vector output)', async () => {
    const cls = new Uint8Array(fs.readFileSync(realModels.ocrCls));
    const session = await nodeBackend.createSession(cls);
    const samples = generateInputs(session.inputs, { count: 2, dims: { 'p2o.DynamicDimension.0': 1 } });
    const predicted = await Promise.all(samples.map(async (s) => {
      const out = Object.values(await session.run(s))[0]!;
      return out.data[0]! > out.data[1]! ? 0 : 1;
    }));
    await session.release();
    const report = await evaluateFidelity(cls, cls, samples, [nodeBackend], { labels: predicted });
    expect(report.backends[0]!.accuracy).toEqual({ reference: 1, candidate: 1 });
    expect(report.backends[0]!.overall.top1Agreement).toBe(1);
  });

  it('fails clearly when the candidate does not load', async () => {
    await expect(evaluateFidelity(reference, new Uint8Array([8, 1]), generateInputs([{ name: 'onnx::Flatten_0', type: 'float32', shape: [1, 25, 96] }], { count: 1 }), [nodeBackend]))
      .rejects.toThrow(/candidate model does not load in onnxruntime-node/);
  });
});
