import type { Weights } from '../model/params';

// AdamW on plain Float32Arrays, in place: the weights stay JS arrays between steps (see model/params.ts).

export interface AdamWOptions { beta1?: number; beta2?: number; eps?: number; weightDecay?: number }

export class AdamW {
  private readonly m: Weights = {};
  private readonly v: Weights = {};
  private t = 0;
  private readonly b1: number;
  private readonly b2: number;
  private readonly eps: number;
  private readonly wd: number;

  constructor(private readonly weights: Weights, o: AdamWOptions = {}) {
    this.b1 = o.beta1 ?? 0.9;
    this.b2 = o.beta2 ?? 0.999;
    this.eps = o.eps ?? 1e-8;
    this.wd = o.weightDecay ?? 0.01;
    for (const [k, w] of Object.entries(weights)) { this.m[k] = new Float32Array(w.length); this.v[k] = new Float32Array(w.length); }
  }

  /** One update with learning rate `lr`; decay applies to matrices only (not to biases, LayerNorm or tables). */
  step(grads: Weights, lr: number): void {
    this.t++;
    const c1 = 1 - this.b1 ** this.t;
    const c2 = 1 - this.b2 ** this.t;
    for (const [k, g] of Object.entries(grads)) {
      const w = this.weights[k]!, m = this.m[k]!, v = this.v[k]!;
      const leaf = k.slice(k.lastIndexOf('.') + 1);
      const decay = /^w|head_w/.test(leaf) ? this.wd : 0;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]!;
        m[i] = this.b1 * m[i]! + (1 - this.b1) * gi;
        v[i] = this.b2 * v[i]! + (1 - this.b2) * gi * gi;
        w[i] = w[i]! - lr * ((m[i]! / c1) / (Math.sqrt(v[i]! / c2) + this.eps) + decay * w[i]!);
      }
    }
  }
}
