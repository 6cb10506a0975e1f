// How the fitter ranks candidates: by the worst case as well as the mean. A form whose mean cosine looks fine
// can still wreck some samples (PP-OCR det under int8-static: mean 0.73, min 0.002), so the score weighs the
// mean, the minimum over samples and outputs, and top-1 agreement where outputs are class scores.
import type { Fidelity } from '../evaluate/compareOutputs';

/** What the fitter keeps of a candidate's fidelity. */
export type FitFidelity = Pick<Fidelity, 'cosineMean' | 'cosineMin' | 'top1Agreement'>;

export function fidelityScore(f: FitFidelity): number {
  return (f.cosineMean + f.cosineMin + (f.top1Agreement ?? f.cosineMean)) / 3;
}

/** Sort comparator: more faithful first, then smaller. */
export function byFidelity<T extends { fidelity?: FitFidelity; bytes: number }>(a: T, b: T): number {
  const sa = a.fidelity ? fidelityScore(a.fidelity) : -Infinity;
  const sb = b.fidelity ? fidelityScore(b.fidelity) : -Infinity;
  return sb - sa || a.bytes - b.bytes;
}

/** Whether `a` is at least as faithful as `b` on every measure and better on the score. */
export function dominates(a: FitFidelity, b: FitFidelity): boolean {
  const top1 = (f: FitFidelity) => f.top1Agreement ?? 1;
  return a.cosineMean >= b.cosineMean && a.cosineMin >= b.cosineMin && top1(a) >= top1(b) && fidelityScore(a) > fidelityScore(b);
}

/** A `--min-fidelity` floor applies to the mean output cosine, the figure every report leads with. */
export function meetsFloor(f: FitFidelity | undefined, minFidelity: number | undefined): boolean {
  return minFidelity === undefined || (f !== undefined && f.cosineMean >= minFidelity);
}

export function summarize(f: Fidelity): FitFidelity {
  return { cosineMean: f.cosineMean, cosineMin: f.cosineMin, ...(f.top1Agreement !== undefined ? { top1Agreement: f.top1Agreement } : {}) };
}
