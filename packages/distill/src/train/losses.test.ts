import { grad, init, numpy as np } from '@jax-js/jax';
import { beforeAll, describe, expect, it } from 'vitest';
import { crossEntropy, kdLoss } from './losses';

beforeAll(async () => { await init('wasm'); });

const arr = (rows: number[][]) => np.array(rows);
const value = (a: np.Array) => a.dataSync()[0]!;

// Independent plain-JS reference of the same formula, written out term by term.
function softmax(z: number[], T: number): number[] {
  const m = Math.max(...z.map((v) => v / T));
  const e = z.map((v) => Math.exp(v / T - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
function referenceKd(s: number[][], t: number[][], y: number[], T: number, alpha: number): number {
  let kl = 0, ce = 0;
  s.forEach((row, b) => {
    const pt = softmax(t[b]!, T), ps = softmax(row, T), p1 = softmax(row, 1);
    pt.forEach((p, k) => { kl += p * Math.log(p / ps[k]!); });
    ce -= Math.log(p1[y[b]!]!);
  });
  return alpha * T * T * (kl / s.length) + (1 - alpha) * (ce / s.length);
}

describe('knowledge-distillation loss', () => {
  it('is (1 - alpha) * ln 2 for uniform logits equal to the teacher', () => {
    const v = value(kdLoss(arr([[0, 0]]), arr([[0, 0]]), arr([[1, 0]]), { temperature: 3, alpha: 0.25 }));
    expect(v).toBeCloseTo(0.75 * Math.LN2, 6);
  });

  it('is T² · KL for alpha = 1 (hand-computed: T=2, s=[0,0], t=[2,0])', () => {
    // pt = softmax([1, 0]) = [e/(e+1), 1/(e+1)], ps = [1/2, 1/2]
    const p = Math.E / (Math.E + 1);
    const kl = p * Math.log(2 * p) + (1 - p) * Math.log(2 * (1 - p));
    const v = value(kdLoss(arr([[0, 0]]), arr([[2, 0]]), arr([[0, 1]]), { temperature: 2, alpha: 1 }));
    expect(v).toBeCloseTo(4 * kl, 5);
  });

  it('is plain cross-entropy for alpha = 0', () => {
    const s = [[1.5, -0.5], [0.2, 0.9]];
    const kd = value(kdLoss(arr(s), arr([[9, -9], [3, 3]]), arr([[1, 0], [0, 1]]), { temperature: 4, alpha: 0 }));
    expect(kd).toBeCloseTo(value(crossEntropy(arr(s), arr([[1, 0], [0, 1]]))), 6);
  });

  it('matches the term-by-term reference on a batch', () => {
    const s = [[1.2, -0.3], [0.1, 2.0], [-1, 0.5]], t = [[2.5, -1], [-0.4, 1.1], [0.3, 0.2]], y = [0, 1, 0];
    const oneHot = y.map((k) => (k === 0 ? [1, 0] : [0, 1]));
    const v = value(kdLoss(arr(s), arr(t), arr(oneHot), { temperature: 2.5, alpha: 0.6 }));
    // float32 arithmetic scaled by T² = 6.25: agree to 1e-4.
    expect(v).toBeCloseTo(referenceKd(s, t, y, 2.5, 0.6), 4);
  });

  it('has the gradient that finite differences give', () => {
    const s = [[0.7, -0.2], [1.3, 0.4]], t = [[1.0, 0.5], [-0.5, 0.8]], y = [1, 0];
    const o = { temperature: 2, alpha: 0.5 };
    const oneHot = [[0, 1], [1, 0]];
    const g = grad((x: np.Array) => kdLoss(x, arr(t), arr(oneHot), o))(arr(s)).dataSync();
    const h = 1e-3;
    s.flat().forEach((_, i) => {
      const plus = s.map((r) => [...r]), minus = s.map((r) => [...r]);
      plus[Math.floor(i / 2)]![i % 2]! += h;
      minus[Math.floor(i / 2)]![i % 2]! -= h;
      const fd = (referenceKd(plus, t, y, 2, 0.5) - referenceKd(minus, t, y, 2, 0.5)) / (2 * h);
      expect(g[i]!).toBeCloseTo(fd, 4);
    });
  });
});
