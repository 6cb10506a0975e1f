// Pure fidelity metrics between a reference output and a candidate output of the same shape.
import { PareError } from '@pare/errors';
import type { HostTensor } from '@pare/runtime';

export type Numeric = ArrayLike<number | bigint>;

/** A tensor's values as numbers to compare; string tensors have no fidelity to measure. */
export function numericData(tensor: HostTensor, what: string): Numeric {
  if (Array.isArray(tensor.data)) throw new PareError('eval_shape_mismatch', `${what} is a string tensor: fidelity compares numeric outputs only.`);
  return tensor.data;
}

/** Cosine similarity of two flat tensors. Two all-zero tensors are identical (1); one all-zero tensor is 0. */
export function cosineSimilarity(a: Numeric, b: Numeric): number {
  sameLength(a, b);
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = Number(a[i]), y = Number(b[i]);
    dot += x * y; na += x * x; nb += y * y;
  }
  if (na === 0 && nb === 0) return 1;
  if (na === 0 || nb === 0) return 0;
  return Math.min(1, dot / Math.sqrt(na * nb));
}

/** Largest element-wise |reference − candidate|. */
export function maxAbsError(reference: Numeric, candidate: Numeric): number {
  sameLength(reference, candidate);
  let max = 0;
  for (let i = 0; i < reference.length; i++) max = Math.max(max, Math.abs(Number(reference[i]) - Number(candidate[i])));
  return max;
}

/**
 * Largest |reference − candidate| relative to the reference's largest magnitude. Element-wise ratios
 * blow up wherever the reference is near zero (ReLU outputs, sigmoid tails), so the scale is per tensor.
 */
export function maxRelError(reference: Numeric, candidate: Numeric): number {
  let scale = 0;
  for (let i = 0; i < reference.length; i++) scale = Math.max(scale, Math.abs(Number(reference[i])));
  const abs = maxAbsError(reference, candidate);
  return scale === 0 ? (abs === 0 ? 0 : Infinity) : abs / scale;
}

/** Index of the largest value in data[offset, offset + length). */
export function argmax(data: Numeric, offset = 0, length = data.length - offset): number {
  let best = 0, bestValue = -Infinity;
  for (let i = 0; i < length; i++) {
    const v = Number(data[offset + i]);
    if (v > bestValue) { bestValue = v; best = i; }
  }
  return best;
}

/**
 * Whether an output reads as score vectors: [batch, classes] or [batch, steps, classes] with at least two
 * classes. Maps (a detector's [1, 1, H, W]) and single scores ([1, 1]) are not, and get no top-1.
 */
export function isScoreVector(dims: readonly number[]): boolean {
  return (dims.length === 2 || dims.length === 3) && dims[dims.length - 1]! >= 2;
}

/** Rows (over the last axis) whose argmax agrees, and how many rows there were. */
export function top1Matches(reference: Numeric, candidate: Numeric, classes: number): { agree: number; rows: number } {
  sameLength(reference, candidate);
  const rows = Math.floor(reference.length / classes);
  let agree = 0;
  for (let r = 0; r < rows; r++) if (argmax(reference, r * classes, classes) === argmax(candidate, r * classes, classes)) agree++;
  return { agree, rows };
}

function sameLength(a: Numeric, b: Numeric): void {
  if (a.length !== b.length) {
    throw new PareError('eval_shape_mismatch', `The outputs differ in size (${a.length} vs ${b.length} values): the models do not compute the same thing.`);
  }
}
