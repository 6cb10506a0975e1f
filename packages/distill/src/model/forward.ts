import { nn, numpy as np } from '@jax-js/jax';
import { parameterShapes, type EncoderConfig } from './config';
import type { Weights } from './params';

// The forward pass in jax-js, from already-gathered token embeddings to logits. The embedding lookup itself
// happens outside (embedding.ts) because jax-js's jit cannot compile the scatter-add of a gather's gradient.
// Every step here has a one-to-one ONNX counterpart in export/encoderToOnnx.ts; keep the two in step.
// jax-js ownership rule: every argument is consumed once; `.ref` where a value is used again.

export type JaxParams = Record<string, np.Array>;

export const LN_EPS = 1e-5;
/** Added to attention scores of padding keys; large enough that softmax gives them exactly zero weight. */
export const MASK_NEG = 1e9;

/** The weights that go through jit (all but the token embedding table) as jax arrays. */
export function toJaxParams(config: EncoderConfig, weights: Weights): JaxParams {
  const out: JaxParams = {};
  for (const [name, shape] of parameterShapes(config)) {
    if (name === 'tok_emb') continue;
    out[name] = np.array(weights[name]!).reshape(shape);
  }
  return out;
}

function layerNorm(x: np.Array, g: np.Array, b: np.Array): np.Array {
  const mu = np.mean(x.ref, -1, { keepdims: true });
  const xc = x.sub(mu);
  const v = np.mean(xc.ref.mul(xc.ref), -1, { keepdims: true });
  return xc.div(np.sqrt(v.add(LN_EPS))).mul(g).add(b);
}

/** Logits [B, numLabels] from embeddings [B, L, D] and a float attention mask [B, L]. */
export function encoderLogits(c: EncoderConfig, p: JaxParams, emb: np.Array, mask: np.Array): np.Array {
  const [B, L, D] = emb.shape as [number, number, number];
  const H = c.heads;
  const dh = D / H;
  let x = emb.add(p['pos_emb']!);
  const bias = mask.ref.sub(1).mul(MASK_NEG).reshape([B, 1, 1, L]);
  for (let i = 0; i < c.layers; i++) {
    const w = (n: string) => p[`h${i}.${n}`]!;
    const h = layerNorm(x.ref, w('ln1_g'), w('ln1_b'));
    const q = np.matmul(h.ref, w('wq')).add(w('bq')).reshape([B, L, H, dh]).transpose([0, 2, 1, 3]);
    const k = np.matmul(h.ref, w('wk')).add(w('bk')).reshape([B, L, H, dh]).transpose([0, 2, 3, 1]);
    const v = np.matmul(h, w('wv')).add(w('bv')).reshape([B, L, H, dh]).transpose([0, 2, 1, 3]);
    const att = nn.softmax(np.matmul(q, k).mul(1 / Math.sqrt(dh)).add(bias.ref), -1);
    const o = np.matmul(att, v).transpose([0, 2, 1, 3]).reshape([B, L, D]);
    x = x.add(np.matmul(o, w('wo')).add(w('bo')));
    const h2 = layerNorm(x.ref, w('ln2_g'), w('ln2_b'));
    x = x.add(np.matmul(nn.relu(np.matmul(h2, w('w1')).add(w('b1'))), w('w2')).add(w('b2')));
  }
  bias.dispose();
  x = layerNorm(x, p['lnf_g']!, p['lnf_b']!);
  // Masked mean over real tokens: padding must not dilute the summary of a short email.
  const m = mask.reshape([B, L, 1]);
  const pooled = x.mul(m.ref).sum(1).div(m.sum(1));
  return np.matmul(pooled, p['head_w']!).add(p['head_b']!);
}
