import type { EncodedSet } from '../data/encode';

/** Held-out quality of a spam classifier; "positive" is spam (label 1). */
export interface ClassifierMetrics {
  n: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  /** Share of hard ham (legitimate mail that looks like spam) classified as spam. */
  hardHamFalsePositiveRate: number;
  /** Share of all ham classified as spam. */
  hamFalsePositiveRate: number;
  confusion: { tp: number; fp: number; tn: number; fn: number };
}

export function argmaxRows(logits: Float32Array, k: number): Uint8Array {
  const out = new Uint8Array(logits.length / k);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (logits[i * k + j]! > logits[i * k + best]!) best = j;
    out[i] = best;
  }
  return out;
}

export function classifierMetrics(logits: Float32Array, data: Pick<EncodedSet, 'labels' | 'hard' | 'n'>, k = 2): ClassifierMetrics {
  const pred = argmaxRows(logits, k);
  let tp = 0, fp = 0, tn = 0, fn = 0, hard = 0, hardFp = 0;
  for (let i = 0; i < data.n; i++) {
    const y = data.labels[i], p = pred[i];
    if (p === 1 && y === 1) tp++;
    else if (p === 1) fp++;
    else if (y === 1) fn++;
    else tn++;
    if (data.hard[i]) { hard++; if (p === 1) hardFp++; }
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  return {
    n: data.n, accuracy: (tp + tn) / Math.max(1, data.n), precision, recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    hardHamFalsePositiveRate: hard ? hardFp / hard : 0, hamFalsePositiveRate: fp + tn ? fp / (fp + tn) : 0, confusion: { tp, fp, tn, fn },
  };
}
