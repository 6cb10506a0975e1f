import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { decodeModel, encodeModel, makeTensor, readTensorAsFloat32, DataType, type Model } from '@pare/onnx';
import { generateInputs, type Feeds } from '@pare/runtime';
import { generatedInputsThatRun } from '@pare/runtime/model-inputs';
import { nodeBackend } from '@pare/runtime/node';
import { realModels } from '../../onnx/test/fixtures';
import { audioFrontEnd } from '../../onnx/test/audioFrontEnd';
import { evaluateFidelity } from '../src/evaluate/evaluateFidelity';
import { measureLatency } from '../src/evaluate/measureLatency';
import { servingBackend } from '@pare/runtime';
import { webNodeBackend } from '@pare/runtime/web-node';
import { fitToBudget } from '../src/fit/fitToBudget';
import { fidelityScore, summarize } from '../src/fit/fitRanking';
import { compressModel } from '../src/pipeline/compressModel';
import { mlp } from './builtModels';

const bytes = new Uint8Array(fs.readFileSync(realModels.wakeWord));
const { model } = decodeModel(bytes);
const samples = generateInputs([{ name: 'onnx::Flatten_0', type: 'float32', shape: [1, 25, 96] }], { count: 2 });

function fidelityOn(reference: Uint8Array, feeds: Feeds[]) {
  return async (candidate: Uint8Array) =>
    summarize((await evaluateFidelity(reference, candidate, feeds, [nodeBackend], { warmup: 0, timingPasses: 1 })).backends[0]!.overall);
}
const fidelity = fidelityOn(bytes, samples);

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
    const result = await fitToBudget(model, { maxBytes: 100_000, gzip: true, modes: ['none', 'int8-weights'], levels: [0, 0.5, 0.8], mixedPrecision: false }, { fidelity });
    expect(result.chosen.gzipBytes).toBeLessThanOrEqual(100_000);
    expect(result.bytes.byteLength).toBe(result.chosen.bytes);
    // Unpruned fp32 does not fit (291 KB gzipped); unpruned int8 weights do, and beat pruned fp32 on fidelity.
    expect(result.candidates[0]).toMatchObject({ label: 'fp32 (no change)', fits: false });
    expect(result.chosen.label).toMatch(/^int8-weights/);
    expect(result.chosen.fidelity!.cosineMean).toBeGreaterThan(0.9);
    expect(result.chosen.fidelity!.cosineMin).toBeLessThanOrEqual(result.chosen.fidelity!.cosineMean);
  });

  it('tries per-tensor and per-channel scales of every weight form, fp16 and 4-bit forms, and static only on real calibration', async () => {
    const calibrate = async () => ({});
    const labels = async (calibration: 'real' | 'generated') => {
      const r = await fitToBudget(model, { maxBytes: 10_000_000, levels: [0], calibration, mixedPrecision: false }, { fidelity, calibrate });
      return r.candidates.map((c) => c.label);
    };
    const generated = await labels('generated');
    expect(generated).toEqual([
      'fp32 (no change)', 'int8-weights per-channel', 'int8-weights', 'fp16',
      'int8-dynamic per-channel', 'int8-dynamic',
      'int4-weights per-channel block 32', 'int4-weights per-channel block 32 asymmetric', 'int4-weights per-channel block 128',
    ]);
    expect(await labels('real')).toEqual([...generated, 'int8-static per-channel', 'int8-static']);
  });

  it('fails with the smallest size reached when nothing fits', async () => {
    await expect(fitToBudget(model, { maxBytes: 1000, gzip: true, modes: ['int8-weights'], levels: [0, 0.9] }, { fidelity }))
      .rejects.toThrow(/No configuration fits in 1.0 KB \(gzipped\): the smallest reached was .* \(sparsity 90% \+ int8-weights( per-channel)?\)/);
  });

  it('refuses candidates below --min-fidelity, saying how close the best came', async () => {
    await expect(fitToBudget(model, { maxBytes: 100_000, modes: ['int8-weights'], levels: [0], minFidelity: 0.9999999 }, { fidelity }))
      .rejects.toThrow(/No configuration within 100.0 KB \(raw\) reaches a mean output cosine of 0.9999999: the most faithful that fits is int8-weights.* at 0\.9/);
  });

  it('times every candidate in wasm as served and keeps, with a latency budget, only those within it', async () => {
    const wasm = servingBackend(webNodeBackend);
    const latency = (candidate: Uint8Array) => measureLatency(candidate, samples, wasm, { warmup: 1, passes: 1 });
    const modes = ['none', 'int8-weights'] as const;
    const roomy = await fitToBudget(model, { maxBytes: Number.POSITIVE_INFINITY, maxLatencyMs: 1e6, modes: [...modes], levels: [0], mixedPrecision: false }, { fidelity, latency });
    expect(roomy.candidates.length).toBeGreaterThan(1);
    for (const c of roomy.candidates) expect(c).toMatchObject({ fits: true, latencyMs: expect.any(Number) });
    expect(roomy.chosen.latencyMs).toBeLessThanOrEqual(1e6);
    // A budget no run can meet: refused, naming the fastest candidate measured.
    await expect(fitToBudget(model, { maxBytes: Number.POSITIVE_INFINITY, maxLatencyMs: 1e-9, modes: [...modes], levels: [0] }, { fidelity, latency }))
      .rejects.toMatchObject({ code: 'budget_unreachable', message: expect.stringMatching(/^No configuration runs in 1e-9 ms: the fastest measured [\d.]+ ms \((fp32|int8-weights)/) });
    await expect(fitToBudget(model, { maxBytes: 100_000, maxLatencyMs: 5 }, { fidelity })).rejects.toThrow(/needs a way to measure latency/);
    await expect(fitToBudget(model, { maxBytes: Number.POSITIVE_INFINITY }, { fidelity })).rejects.toThrow(/a byte budget, a latency budget or both/);
  });

  it('reports an evaluation that cannot run as an evaluation problem, not as a budget that cannot be met', async () => {
    const broken = async () => { throw new Error('Conv: input length 64 is shorter than the kernel (512)'); };
    await expect(fitToBudget(model, { maxBytes: 100_000, levels: [0], mixedPrecision: false }, { fidelity: broken }))
      .rejects.toMatchObject({ code: 'eval_inputs_failed', message: expect.stringMatching(/fit in 100.0 KB \(raw\), but none could be evaluated: Conv: input length 64/) });
  });
});

describe('fitToBudget on an audio front end with a dynamic sample axis', () => {
  it('fits 30% of the fp32 bytes on generated inputs long enough for its 512-tap conv', async () => {
    const audio = audioFrontEnd();
    const reference = encodeModel(audio);
    const session = await nodeBackend.createSession(reference);
    const { samples: feeds } = await generatedInputsThatRun(audio, session, { count: 3 }).finally(() => session.release());
    expect(feeds[0]!.audio!.dims[1]).toBeGreaterThanOrEqual(512);
    const result = await fitToBudget(audio, { maxBytes: Math.round(reference.byteLength * 0.3), levels: [0] }, { fidelity: fidelityOn(reference, feeds) });
    expect(result.chosen.options.quantize).toMatch(/int8-(weights|dynamic)/);
    expect(result.chosen.fidelity!.cosineMean).toBeGreaterThan(0.99);
    expect(result.bytes.byteLength).toBeLessThanOrEqual(reference.byteLength * 0.3);
  });
});

describe('mixed precision', () => {
  /** An MLP whose first layer has one outlier weight: per-tensor int8 crushes the rest of that layer. */
  function outlierMlp(): Model {
    const m = mlp([64, 128, 128, 10], { seed: 5 });
    const w0 = m.graph!.initializer.find((t) => t.name === 'w0')!;
    const values = readTensorAsFloat32(w0);
    values[17] = 40;
    m.graph!.initializer[m.graph!.initializer.indexOf(w0)] = makeTensor('w0', DataType.FLOAT, w0.dims, values);
    return m;
  }

  it('keeps the tensor that costs most fidelity in fp32 when the budget allows, and says why', async () => {
    const m = outlierMlp();
    const reference = encodeModel(m);
    const feeds = generateInputs([{ name: 'x', type: 'float32', shape: [4, 64] }], { count: 3 });
    const plainOnly = await fitToBudget(m, { maxBytes: reference.byteLength, modes: ['int8-weights'], perChannel: false, levels: [0], mixedPrecision: false }, { fidelity: fidelityOn(reference, feeds) });
    // Room for w0 (64×128 floats) in fp32 on top of the all-int8 model, but not for w1 as well.
    const budget = plainOnly.chosen.bytes + 64 * 128 * 3 + 2000;
    const result = await fitToBudget(m, { maxBytes: budget, modes: ['int8-weights'], perChannel: false, levels: [0] }, { fidelity: fidelityOn(reference, feeds) });
    expect(result.chosen.keptFp32?.map((k) => k.name)).toEqual(['w0']);
    expect(result.chosen.keptFp32![0]!.reason).toMatch(/restoring it alone raised the fidelity score/);
    expect(result.chosen.bytes).toBeLessThanOrEqual(budget);
    expect(result.chosen.fidelity!.cosineMin).toBeGreaterThan(plainOnly.chosen.fidelity!.cosineMin);
    expect(fidelityScore(result.chosen.fidelity!)).toBeGreaterThan(fidelityScore(plainOnly.chosen.fidelity!));
    expect(result.mixedPrecision!.evaluations).toBeLessThanOrEqual(16);
    expect(result.candidates.some((c) => c.label.includes('(sensitivity)'))).toBe(true);
  });

  it('keeps a mixed candidate only if a second set of inputs confirms it', async () => {
    const m = outlierMlp();
    const reference = encodeModel(m);
    const feeds = generateInputs([{ name: 'x', type: 'float32', shape: [4, 64] }], { count: 3 });
    const others = generateInputs([{ name: 'x', type: 'float32', shape: [4, 64] }], { count: 3, seed: 7 });
    const options = { modes: ['int8-weights' as const], perChannel: false, levels: [0] };
    const plainOnly = await fitToBudget(m, { ...options, maxBytes: reference.byteLength, mixedPrecision: false }, { fidelity: fidelityOn(reference, feeds) });
    const budget = plainOnly.chosen.bytes + 64 * 128 * 3 + 2000;
    const confirmed = await fitToBudget(m, { ...options, maxBytes: budget }, { fidelity: fidelityOn(reference, feeds), confirmFidelity: fidelityOn(reference, others) });
    expect(confirmed.chosen.keptFp32?.map((k) => k.name)).toEqual(['w0']);
    expect(fidelityScore(confirmed.mixedPrecision!.confirmation!.chosen)).toBeGreaterThan(fidelityScore(confirmed.mixedPrecision!.confirmation!.base));
    // A second judge for which the plain int8 model is the ideal: the mixed candidate cannot beat it there.
    const refuted = await fitToBudget(m, { ...options, maxBytes: budget }, { fidelity: fidelityOn(reference, feeds), confirmFidelity: fidelityOn(plainOnly.bytes, others) });
    expect(refuted.chosen.label).toBe(plainOnly.chosen.label);
    expect(refuted.chosen.keptFp32).toBeUndefined();
    expect(refuted.mixedPrecision!.rejected!.keptFp32?.map((k) => k.name)).toEqual(['w0']);
    expect(refuted.mixedPrecision!.note).toMatch(/not on a second set of generated inputs/);
  });

  it('never returns a model less faithful than the best plain form', async () => {
    const result = await fitToBudget(model, { maxBytes: 120_000, levels: [0], maxEvaluations: 6 }, { fidelity });
    const plain = result.candidates.filter((c) => !c.label.includes('+ fp32') && c.fits && c.fidelity);
    const bestPlain = Math.max(...plain.map((c) => fidelityScore(c.fidelity!)));
    expect(fidelityScore(result.chosen.fidelity!)).toBeGreaterThanOrEqual(bestPlain);
    expect(result.mixedPrecision!.evaluations).toBeLessThanOrEqual(6);
  });
});
