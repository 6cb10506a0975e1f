import { nn, numpy as np } from '@jax-js/jax';

// Losses for the classifier, in jax-js (consumes its arguments, like every jax-js function).

/** Mean cross-entropy of logits [B, K] against one-hot labels [B, K]. */
export function crossEntropy(logits: np.Array, oneHot: np.Array): np.Array {
  const B = logits.shape[0]!;
  return nn.logSoftmax(logits, -1).mul(oneHot).sum().mul(-1 / B);
}

export interface KdOptions {
  /** Softening temperature T (> 0) applied to both teacher and student logits. */
  temperature: number;
  /** Weight of the distillation term; (1 - alpha) weights cross-entropy on the labels. In [0, 1]. */
  alpha: number;
}

/**
 * Knowledge-distillation loss (Hinton et al. 2015):
 *   alpha * T² * mean_b KL(softmax(t_b / T) ‖ softmax(s_b / T)) + (1 - alpha) * CE(s, y).
 * T² keeps the soft term's gradient scale independent of T. Teacher logits are data, not differentiated.
 */
export function kdLoss(student: np.Array, teacher: np.Array, oneHot: np.Array, o: KdOptions): np.Array {
  const B = student.shape[0]!;
  const T = o.temperature;
  const logPt = nn.logSoftmax(teacher.mul(1 / T), -1);
  const logPs = nn.logSoftmax(student.ref.mul(1 / T), -1);
  const kl = np.exp(logPt.ref).mul(logPt.sub(logPs)).sum().mul(1 / B);
  const ce = crossEntropy(student, oneHot);
  return kl.mul(o.alpha * T * T).add(ce.mul(1 - o.alpha));
}

export function validateKd(o: KdOptions): void {
  if (!(o.temperature > 0) || !Number.isFinite(o.temperature)) throw new RangeError(`temperature must be a positive number, got ${o.temperature}`);
  if (!(o.alpha >= 0 && o.alpha <= 1)) throw new RangeError(`alpha must be in [0, 1], got ${o.alpha}`);
}
