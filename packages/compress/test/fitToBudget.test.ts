import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { decodeModel } from '@pare/onnx';
import { generateInputs } from '@pare/runtime';
import { nodeBackend } from '@pare/runtime/node';
import { realModels } from '../../onnx/test/fixtures';
import { evaluateFidelity } from '../src/evaluate/evaluateFidelity';
import { fitToBudget } from '../src/fit/fitToBudget';
import { compressModel } from '../src/pipeline/compressModel';

const bytes = new Uint8Array(fs.readFileSync(realModels.wakeWord));
const { model } = decodeModel(bytes);
const samples = generateInputs([{ name: 'onnx::Flatten_0', type: 'float32', shape: [1, 25, 96] }], { count: 2 });
const fidelity = async (candidate: Uint8Array) =>
  (await evaluateFidelity(bytes, candidate, samples, [nodeBackend], { warmup: 0, timingPasses: 1 })).backends[0]!.overall.cosineMean;

describe('compressModel', () => {
  it('runs the planned passes in order and times each', async () => {
    const { steps } = await compressModel(model, { sparsity: 0.5, quantize: 'int8-weights' });
    expect(steps.map((s) => s.step)).toEqual(['constants-to-initializers', 'prune-magnitude', 'upgrade-opset', 'quantize-int8-weights']);
    expect(steps.every((s) => s.ms >= 0)).toBe(true);
  });

  it('refuses bad options and int8-static without calibration, naming the option', async () => {
    await expect(compressModel(model, { sparsity: 1.5 })).rejects.toThrow(/sparsity must be a fraction/);
    await expect(compressModel(model, { quantize: 'int8-static' })).rejects.toThrow(/int8-static needs calibration/);
  });
});

describe('fitToBudget on a real model', () => {
  it('picks the most faithful configuration within a gzipped budget', async () => {
    const result = await fitToBudget(model, { maxBytes: 100_000, gzip: true, modes: ['none', 'int8-weights'], levels: [0, 0.5, 0.8] }, { fidelity });
    expect(result.chosen.gzipBytes).toBeLessThanOrEqual(100_000);
    expect(result.bytes.byteLength).toBe(result.chosen.bytes);
    // Unpruned fp32 does not fit (291 KB gzipped); unpruned int8 weights do, and beat pruned fp32 on fidelity.
    expect(result.candidates[0]).toMatchObject({ label: 'fp32 (no change)', fits: false });
    expect(result.chosen.label).toBe('int8-weights');
    expect(result.chosen.fidelity).toBeGreaterThan(0.9);
  });

  it('fails with the smallest size reached when nothing fits', async () => {
    await expect(fitToBudget(model, { maxBytes: 1000, gzip: true, modes: ['int8-weights'], levels: [0, 0.9] }, { fidelity }))
      .rejects.toThrow(/No configuration fits in 1.0 KB \(gzipped\): the smallest reached was .* \(sparsity 90% \+ int8-weights\)/);
  });
});
