import { encodeText, type TokenizerSpec } from '@pare/runtime';
import type { Example } from './spamAssassin';

/** A split tokenised once, row-major [n, maxLength], in the layout the trainer and ONNX Runtime take. */
export interface EncodedSet {
  n: number;
  maxLength: number;
  ids: Int32Array;
  /** Attention mask as floats (1 real token, 0 padding): the trainer multiplies with it directly. */
  mask: Float32Array;
  labels: Uint8Array;
  hard: Uint8Array;
}

/** Encode with the runtime's tokenizer, the very function the edge runs: train/edge parity by construction. */
export function encodeExamples(spec: TokenizerSpec, examples: readonly Pick<Example, 'text' | 'label' | 'hard'>[]): EncodedSet {
  const L = spec.maxLength;
  const set: EncodedSet = {
    n: examples.length, maxLength: L, ids: new Int32Array(examples.length * L), mask: new Float32Array(examples.length * L),
    labels: new Uint8Array(examples.length), hard: new Uint8Array(examples.length),
  };
  examples.forEach((e, i) => {
    const enc = encodeText(spec, e.text);
    set.ids.set(enc.ids, i * L);
    for (let j = 0; j < L; j++) set.mask[i * L + j] = enc.attentionMask[j]!;
    set.labels[i] = e.label;
    set.hard[i] = e.hard ? 1 : 0;
  });
  return set;
}
