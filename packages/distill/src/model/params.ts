import { makeRng, normal } from '../random';
import { parameterShapes, validateConfig, type EncoderConfig } from './config';

/** Model weights as plain Float32Arrays: the trainer's source of truth, updated in place by the optimiser and
 * read directly by the ONNX exporter. Row-major, shapes from parameterShapes(config). */
export type Weights = Record<string, Float32Array>;

export interface EncoderModel {
  config: EncoderConfig;
  weights: Weights;
}

/** GPT-2 style init: N(0, 0.02) for matrices and embeddings, ones for LayerNorm gains, zeros for biases. */
export function initEncoder(config: EncoderConfig, seed: number): EncoderModel {
  validateConfig(config);
  const rng = makeRng(seed);
  const weights: Weights = {};
  for (const [name, shape] of parameterShapes(config)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const w = new Float32Array(n);
    const leaf = name.slice(name.lastIndexOf('.') + 1);
    if (leaf.endsWith('_g')) w.fill(1);
    else if (shape.length === 2) for (let i = 0; i < n; i++) w[i] = 0.02 * normal(rng);
    weights[name] = w;
  }
  return { config, weights };
}
