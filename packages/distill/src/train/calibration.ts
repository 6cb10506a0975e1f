// Calibration of a classifier's scores: temperature scaling (Guo et al. 2017) fitted on validation, and the
// expected calibration error that says how far the scores are from observed frequencies.

function softmaxRow(logits: Float32Array, row: number, k: number, t: number, out: Float64Array): void {
  let max = -Infinity;
  for (let j = 0; j < k; j++) max = Math.max(max, logits[row * k + j]! / t);
  let sum = 0;
  for (let j = 0; j < k; j++) sum += (out[j] = Math.exp(logits[row * k + j]! / t - max));
  for (let j = 0; j < k; j++) out[j]! /= sum;
}

/** Mean negative log-likelihood of the labels under softmax(logits / t). */
export function nllAt(logits: Float32Array, labels: ArrayLike<number>, k: number, t: number): number {
  const p = new Float64Array(k);
  let nll = 0;
  for (let i = 0; i < labels.length; i++) {
    softmaxRow(logits, i, k, t, p);
    nll -= Math.log(Math.max(p[labels[i]!]!, 1e-12));
  }
  return nll / Math.max(1, labels.length);
}

/** The temperature in [0.05, 20] that minimises validation NLL: a log-spaced grid, then golden-section refinement. */
export function fitTemperature(logits: Float32Array, labels: ArrayLike<number>, k: number): number {
  let best = 1, bestNll = nllAt(logits, labels, k, 1);
  for (let e = -3; e <= 3; e += 0.1) {
    const t = Math.exp(e);
    const nll = nllAt(logits, labels, k, t);
    if (nll < bestNll) { best = t; bestNll = nll; }
  }
  let lo = Math.log(best) - 0.1, hi = Math.log(best) + 0.1;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 30; i++) {
    const a = hi - g * (hi - lo), b = lo + g * (hi - lo);
    if (nllAt(logits, labels, k, Math.exp(a)) < nllAt(logits, labels, k, Math.exp(b))) hi = b;
    else lo = a;
  }
  return Math.min(20, Math.max(0.05, Math.exp((lo + hi) / 2)));
}

/** Expected calibration error over `bins` equal-width bins of the top score: Σ |accuracy − confidence| · share. */
export function expectedCalibrationError(logits: Float32Array, labels: ArrayLike<number>, k: number, t = 1, bins = 15): number {
  const count = new Float64Array(bins), conf = new Float64Array(bins), correct = new Float64Array(bins);
  const p = new Float64Array(k);
  for (let i = 0; i < labels.length; i++) {
    softmaxRow(logits, i, k, t, p);
    let top = 0;
    for (let j = 1; j < k; j++) if (p[j]! > p[top]!) top = j;
    const bin = Math.min(bins - 1, Math.floor(p[top]! * bins));
    count[bin]!++;
    conf[bin]! += p[top]!;
    if (top === labels[i]) correct[bin]!++;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]) ece += Math.abs(correct[b]! - conf[b]!) / Math.max(1, labels.length);
  return ece;
}
