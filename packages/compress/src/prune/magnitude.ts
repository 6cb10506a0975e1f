import { PareError } from '@pare/errors';
import { allGraphs, constantsToInitializers, readTensor, tensorByteLength, type Model } from '@pare/onnx';
import type { Pass, PassReport, PassResult, TensorChange } from '../passReport';
import { absValues, applyCut, magnitudeCut } from './magnitudeCut';
import { nameFilter } from './nameFilter';
import { withValues } from './tensorEdit';
import { findWeightTargets, type WeightTarget } from './weightTargets';

export interface MagnitudePruneOptions {
  /** Zero every weight with |w| < threshold (the classic recipe). Give this or `sparsity`, not both. */
  threshold?: number;
  /** Zero this fraction (0..1) of the eligible weights, those of smallest magnitude. */
  sparsity?: number;
  /** With `sparsity`: one cut over all eligible tensors together ('global') or the same fraction in each ('per-layer', default). */
  scope?: 'global' | 'per-layer';
  /** Weight tensors with fewer elements are left alone (default 1024): small layers cost little and often matter most. */
  minElements?: number;
  /** Tensor or node names to leave alone; `*` matches any run of characters. */
  exclude?: string[];
}

export const DEFAULT_MIN_ELEMENTS = 1024;

/**
 * Unstructured magnitude pruning of MatMul/Gemm/Conv weights. The dense model keeps its size (zeros are
 * still stored) but compresses far better (gzip, sparse formats) and quantizes with less error.
 * Weights held in Constant nodes are moved to initializers first so they can be pruned.
 */
export function pruneMagnitude(model: Model, options: MagnitudePruneOptions): PassResult {
  const opts = checkOptions(options);
  // constantsToInitializers returns a deep copy, which is also what keeps this pass pure.
  const { model: out, report: moved } = constantsToInitializers(model);
  const report: PassReport = { pass: 'prune-magnitude', options: { ...opts }, tensors: [], skipped: [], notes: [] };
  if (moved.moved.length > 0) report.notes.push(`${moved.moved.length} Constant node(s) turned into initializers`);

  const { targets, skipped } = findWeightTargets(allGraphs(out), opts.minElements, nameFilter(opts.exclude));
  report.skipped.push(...skipped);
  const values = targets.map((t) => readTensor(t.tensor) as Float32Array | Float64Array);
  const before = values.map(countZeros);

  let cuts: Array<{ below: number; ties: { left: number } }>;
  if (opts.threshold !== undefined) {
    const shared = { below: opts.threshold, ties: { left: 0 } };
    cuts = values.map(() => shared);
  } else if (opts.scope === 'global') {
    const total = values.reduce((n, v) => n + v.length, 0);
    const cut = magnitudeCut(values.map(absValues), Math.round(opts.sparsity! * total));
    // One ties budget object shared by every tensor: the global count of zeros is what must be exact.
    const shared = { below: cut.below, ties: { left: cut.tiesToZero } };
    cuts = values.map(() => shared);
  } else {
    cuts = values.map((v) => {
      const cut = magnitudeCut([absValues(v)], Math.round(opts.sparsity! * v.length));
      return { below: cut.below, ties: { left: cut.tiesToZero } };
    });
  }

  let zeros = 0;
  let elements = 0;
  targets.forEach((target, i) => {
    const v = values[i]!;
    const after = applyCut(v, cuts[i]!);
    zeros += after;
    elements += v.length;
    const pruned = withValues(target.tensor, target.tensor.dims, v);
    target.graph.initializer[target.index] = pruned;
    report.tensors.push(change(target, pruned, after / v.length, { zeroed: after - before[i]!, sparsityBefore: before[i]! / v.length }));
  });
  if (elements > 0) report.notes.push(`overall sparsity of pruned weights: ${(zeros / elements).toFixed(4)} (${zeros} of ${elements})`);
  else report.notes.push('no eligible weight tensors');
  return { model: out, report };
}

function change(target: WeightTarget, pruned: WeightTarget['tensor'], sparsity: number, detail: Record<string, number>): TensorChange {
  return {
    name: target.tensor.name ?? '',
    shapeBefore: [...target.tensor.dims],
    shapeAfter: [...pruned.dims],
    sparsity,
    bytesBefore: tensorByteLength(target.tensor),
    bytesAfter: tensorByteLength(pruned),
    detail: { ...detail, nodes: target.nodes.map((n) => n.name || n.op_type).join(',') },
  };
}

function countZeros(v: Float32Array | Float64Array): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) if (v[i] === 0) n++;
  return n;
}

interface CheckedOptions { threshold?: number; sparsity?: number; scope: 'global' | 'per-layer'; minElements: number; exclude: string[] }

function checkOptions(o: MagnitudePruneOptions): CheckedOptions {
  const bad = (message: string): never => { throw new PareError('option_invalid', message); };
  if ((o.threshold === undefined) === (o.sparsity === undefined)) bad('Magnitude pruning needs exactly one of `threshold` (|w| < t becomes 0) or `sparsity` (fraction 0..1 of weights to zero).');
  if (o.threshold !== undefined && !(Number.isFinite(o.threshold) && o.threshold >= 0)) bad(`threshold must be a finite number ≥ 0; got ${o.threshold}.`);
  if (o.sparsity !== undefined && !(o.sparsity >= 0 && o.sparsity <= 1)) bad(`sparsity must be between 0 and 1; got ${o.sparsity}.`);
  const scope = o.scope ?? 'per-layer';
  if (scope !== 'global' && scope !== 'per-layer') bad(`scope must be "global" or "per-layer"; got "${String(scope)}".`);
  if (o.scope !== undefined && o.threshold !== undefined) bad('scope applies to `sparsity` only; a threshold is the same everywhere.');
  const minElements = o.minElements ?? DEFAULT_MIN_ELEMENTS;
  if (!(Number.isInteger(minElements) && minElements >= 0)) bad(`minElements must be a whole number ≥ 0; got ${minElements}.`);
  return { threshold: o.threshold, sparsity: o.sparsity, scope, minElements, exclude: [...(o.exclude ?? [])] };
}

pruneMagnitude satisfies Pass<MagnitudePruneOptions>;
