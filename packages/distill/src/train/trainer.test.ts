import { init } from '@jax-js/jax';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EncodedSet } from '../data/encode';
import { initEncoder } from '../model/params';
import { makeRng } from '../random';
import { classifierMetrics } from './metrics';
import { predictLogits } from './predict';
import { trainEncoder } from './trainer';

beforeAll(async () => { await init('wasm'); });

/** Label 1 iff token 5 occurs: learnable by attention + pooling in a few steps. */
function toySet(n: number, L: number, seed: number): EncodedSet {
  const rng = makeRng(seed);
  const ids = new Int32Array(n * L), mask = new Float32Array(n * L), labels = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    labels[r] = r % 2;
    const len = 3 + Math.floor(rng() * (L - 3));
    for (let j = 0; j < len; j++) { ids[r * L + j] = 6 + Math.floor(rng() * 10); mask[r * L + j] = 1; }
    if (labels[r]) ids[r * L + Math.floor(rng() * len)] = 5;
  }
  return { n, maxLength: L, ids, mask, labels, hard: new Uint8Array(n) };
}

const config = { vocabSize: 16, maxLength: 8, dModel: 16, heads: 2, layers: 1, ffDim: 16, numLabels: 2 };

describe('trainEncoder', () => {
  it('lowers the loss within a few steps', async () => {
    const model = initEncoder(config, 1);
    const r = await trainEncoder(model, toySet(64, 8, 2), { epochs: 12, batchSize: 16, learningRate: 1e-2, warmupSteps: 2, seed: 1 });
    const first = r.losses.slice(0, 4).reduce((a, b) => a + b) / 4;
    const last = r.losses.slice(-4).reduce((a, b) => a + b) / 4;
    expect(r.steps).toBe(48);
    expect(last).toBeLessThan(first * 0.5);
    expect(classifierMetrics(predictLogits(model, toySet(64, 8, 3)), toySet(64, 8, 3)).accuracy).toBeGreaterThan(0.8);
  });

  it('distils: with alpha = 1 the student moves towards the teacher logits', async () => {
    const data = toySet(32, 8, 4);
    const teacherLogits = new Float32Array(data.n * 2);
    for (let i = 0; i < data.n; i++) teacherLogits[i * 2 + data.labels[i]!] = 3;
    const model = initEncoder(config, 2);
    const r = await trainEncoder(model, data, { epochs: 10, batchSize: 16, learningRate: 1e-2, warmupSteps: 2, seed: 2, kd: { teacherLogits, temperature: 2, alpha: 1 } });
    expect(r.losses.at(-1)!).toBeLessThan(r.losses[0]! * 0.5);
  });

  it('keeps the weights of the epoch with the best validation accuracy', async () => {
    const model = initEncoder(config, 4);
    const val = toySet(32, 8, 9);
    const r = await trainEncoder(model, toySet(64, 8, 8), { epochs: 4, batchSize: 16, learningRate: 1e-2, warmupSteps: 2, seed: 4, validation: val });
    expect(r.validationAccuracy).toHaveLength(4);
    const best = Math.max(...r.validationAccuracy!);
    expect(r.validationAccuracy![r.bestEpoch!]).toBe(best);
    expect(classifierMetrics(predictLogits(model, val), val).accuracy).toBe(best);
  });

  it('stops once validation accuracy has not improved for `patience` epochs, keeping the best epoch', async () => {
    const model = initEncoder(config, 4);
    // Validation labels are the training rule inverted: the better the model learns, the worse it validates.
    const val = toySet(32, 8, 9);
    val.labels = val.labels.map((y) => 1 - y);
    const r = await trainEncoder(model, toySet(64, 8, 8), { epochs: 12, batchSize: 16, learningRate: 1e-2, warmupSteps: 2, seed: 4, validation: val, patience: 2 });
    const acc = r.validationAccuracy!;
    expect(r.stoppedEarly).toBe(true);
    expect(acc.length).toBe(r.bestEpoch! + 3);
    expect(r.steps).toBe(acc.length * 4);
    expect(classifierMetrics(predictLogits(model, val), val).accuracy).toBe(Math.max(...acc));
  });

  it('stops when its signal is aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(trainEncoder(initEncoder(config, 3), toySet(32, 8, 5), { epochs: 1, batchSize: 16, learningRate: 1e-3, seed: 1, signal: ac.signal })).rejects.toThrow();
  });
});
