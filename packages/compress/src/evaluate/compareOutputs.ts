// Folds per-sample output comparisons into one fidelity summary per output and one over all outputs.
import { PareError } from '@pare/errors';
import type { HostTensor } from '@pare/runtime';
import { cosineSimilarity, isScoreVector, maxAbsError, maxRelError, numericData, top1Matches } from './metrics';

export interface Fidelity {
  /** Mean and minimum over samples (and outputs) of the output cosine similarity. */
  cosineMean: number;
  cosineMin: number;
  maxAbsError: number;
  maxRelError: number;
  /** Fraction of score rows whose top-1 class agrees; absent when no output is a score vector. */
  top1Agreement?: number;
}

export interface FidelityByOutput {
  overall: Fidelity;
  outputs: Record<string, Fidelity>;
}

type Outputs = Record<string, HostTensor>;

/** Compare the reference's and the candidate's outputs sample by sample. */
export function compareOutputs(reference: Outputs[], candidate: Outputs[]): FidelityByOutput {
  if (reference.length !== candidate.length || reference.length === 0) {
    throw new PareError('eval_no_samples', 'Fidelity needs the same, non-zero number of reference and candidate runs.');
  }
  const names = Object.keys(reference[0]!);
  const outputs: Record<string, Fidelity> = {};
  const all = new Accumulator();
  for (const name of names) {
    const acc = new Accumulator();
    const pairs = reference.map((ref, s) => {
      const c = candidate[s]![name];
      if (!c) throw new PareError('eval_shape_mismatch', `The candidate has no output "${name}".`);
      return [ref[name]!, c] as const;
    });
    // A one-value output (a detector's single score) has a trivial cosine of ±1 per sample: compare the
    // vector of its values across samples instead.
    const compared = pairs[0]![0].data.length === 1 ? [pooled(pairs)] : pairs;
    for (const [r, c] of compared) {
      acc.add(r, c);
      all.add(r, c);
    }
    outputs[name] = acc.result();
  }
  return { overall: all.result(), outputs };
}

function pooled(pairs: ReadonlyArray<readonly [HostTensor, HostTensor]>): [HostTensor, HostTensor] {
  const join = (k: 0 | 1): HostTensor => ({ type: 'float64', dims: [pairs.length], data: Float64Array.from(pairs, (p) => Number(p[k].data[0])) });
  return [join(0), join(1)];
}

class Accumulator {
  private cosines: number[] = [];
  private abs = 0;
  private rel = 0;
  private agree = 0;
  private rows = 0;

  add(r: HostTensor, c: HostTensor): void {
    const [rd, cd] = [numericData(r, 'The reference output'), numericData(c, 'The candidate output')];
    this.cosines.push(cosineSimilarity(rd, cd));
    this.abs = Math.max(this.abs, maxAbsError(rd, cd));
    this.rel = Math.max(this.rel, maxRelError(rd, cd));
    if (isScoreVector(r.dims)) {
      const m = top1Matches(rd, cd, r.dims[r.dims.length - 1]!);
      this.agree += m.agree;
      this.rows += m.rows;
    }
  }

  result(): Fidelity {
    const mean = this.cosines.reduce((a, b) => a + b, 0) / this.cosines.length;
    const f: Fidelity = { cosineMean: mean, cosineMin: Math.min(...this.cosines), maxAbsError: this.abs, maxRelError: this.rel };
    if (this.rows > 0) f.top1Agreement = this.agree / this.rows;
    return f;
  }
}
