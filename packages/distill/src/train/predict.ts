import { jit, numpy as np } from '@jax-js/jax';
import type { EncodedSet } from '../data/encode';
import { gatherRows } from '../model/embedding';
import { encoderLogits, toJaxParams, type JaxParams } from '../model/forward';
import type { EncoderModel } from '../model/params';

type Forward = (p: JaxParams, emb: np.Array, mask: np.Array) => np.Array;
// One jitted forward per model shape: jit caches its compiled kernels per function object, so re-wrapping on
// every call (validation after each epoch) would recompile each time.
const forwards = new Map<string, Forward>();

/** The trainer's logits [n, numLabels] for a whole set (fixed-size batches; the last one padded, so jit compiles once). */
export function predictLogits(model: EncoderModel, data: EncodedSet, batchSize = 64): Float32Array {
  const c = model.config;
  const L = c.maxLength, D = c.dModel, K = c.numLabels;
  const B = Math.min(batchSize, data.n);
  const key = JSON.stringify(c);
  let forward = forwards.get(key);
  if (!forward) forwards.set(key, (forward = jit((p: JaxParams, emb: np.Array, mask: np.Array) => encoderLogits(c, p, emb, mask))));
  const out = new Float32Array(data.n * K);
  for (let start = 0; start < data.n; start += B) {
    const count = Math.min(B, data.n - start);
    const ids = new Int32Array(B * L);
    const mask = new Float32Array(B * L).fill(1);
    ids.set(data.ids.subarray(start * L, (start + count) * L));
    mask.set(data.mask.subarray(start * L, (start + count) * L));
    const emb = gatherRows(model.weights['tok_emb']!, D, ids);
    const logits = forward(toJaxParams(c, model.weights), np.array(emb).reshape([B, L, D]), np.array(mask).reshape([B, L]));
    out.set((logits.dataSync() as Float32Array).subarray(0, count * K), start * K);
  }
  return out;
}
