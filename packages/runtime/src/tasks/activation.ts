// Logits → scores: softmax for single-label models, sigmoid for multi-label ones (`postprocess.activation`;
// manifests older than that field say `softmax: true|false`).
import type { Manifest } from '../manifest';

export type Activation = 'softmax' | 'sigmoid' | 'none';

export function activationOf(post: NonNullable<Manifest['postprocess']>): Activation {
  return post.activation ?? (post.softmax ? 'softmax' : 'none');
}

export function activate(row: ArrayLike<number>, activation: Activation): number[] {
  const values = Array.from(row);
  if (activation === 'sigmoid') return values.map((v) => 1 / (1 + Math.exp(-v)));
  if (activation === 'none') return values;
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Index of the largest value (the first of equals, as numpy's argmax). */
export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
