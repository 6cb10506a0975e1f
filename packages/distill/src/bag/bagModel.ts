import { makeRng } from '../random';
import type { BagSet } from './bagSet';

// The hashed n-gram bag classifier (fastText's supervised model): the mean of the embedding rows of a text's
// n-gram ids, then one linear layer. Weights are plain Float32Arrays, row-major, as the encoder's are.

export interface BagConfig {
  /** Rows of the embedding table (the tokenizer spec's buckets); row 0 is padding and stays zero. */
  buckets: number;
  dim: number;
  numLabels: number;
}

export interface BagModel {
  config: BagConfig;
  /** emb [buckets, dim], head_w [dim, numLabels], head_b [numLabels]. */
  weights: { emb: Float32Array; head_w: Float32Array; head_b: Float32Array };
}

export function bagParameters(c: BagConfig): number {
  return c.buckets * c.dim + c.dim * c.numLabels + c.numLabels;
}

/** fastText's init: embeddings uniform in ±1/dim, the linear layer at zero. */
export function initBag(config: BagConfig, seed: number): BagModel {
  if (!(config.buckets >= 2 && config.dim >= 1 && config.numLabels >= 2)) throw new RangeError(`bag config needs buckets >= 2, dim >= 1, numLabels >= 2; got ${JSON.stringify(config)}`);
  const rng = makeRng(seed);
  const emb = new Float32Array(config.buckets * config.dim);
  for (let i = config.dim; i < emb.length; i++) emb[i] = (2 * rng() - 1) / config.dim;
  return { config, weights: { emb, head_w: new Float32Array(config.dim * config.numLabels), head_b: new Float32Array(config.numLabels) } };
}

/** Mean embedding of row r into `out` [dim]; an empty row is the zero vector (the edge feeds it the padding row). */
export function bagMean(model: BagModel, data: BagSet, r: number, out: Float32Array): void {
  const D = model.config.dim, E = model.weights.emb;
  out.fill(0);
  const start = data.offsets[r]!, end = data.offsets[r + 1]!;
  for (let k = start; k < end; k++) {
    const base = data.ids[k]! * D;
    for (let d = 0; d < D; d++) out[d]! += E[base + d]!;
  }
  const n = Math.max(1, end - start);
  for (let d = 0; d < D; d++) out[d]! /= n;
}

/** Logits [n, numLabels] of every row. */
export function bagLogits(model: BagModel, data: BagSet): Float32Array {
  const { dim: D, numLabels: K } = model.config;
  const { head_w: W, head_b: b } = model.weights;
  const out = new Float32Array(data.n * K);
  const h = new Float32Array(D);
  for (let r = 0; r < data.n; r++) {
    bagMean(model, data, r, h);
    for (let j = 0; j < K; j++) {
      let z = b[j]!;
      for (let d = 0; d < D; d++) z += h[d]! * W[d * K + j]!;
      out[r * K + j] = z;
    }
  }
  return out;
}
