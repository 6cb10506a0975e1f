import { PareError } from '@pare/errors';
import {
  allGraphs, constantsToInitializers, indexGraph, readTensorAsFloat32, tensorByteLength, topologicalOrder,
  type Graph, type Model, type Node, type Tensor,
} from '@pare/onnx';
import type { Pass, PassReport, PassResult } from '../passReport';
import { nameFilter } from './nameFilter';
import { sliceAxis, sliceNorms } from './tensorEdit';
import { traceUnitGroup, type UnitGroup } from './unitGroup';
import { unitProducer } from './unitProducer';

export interface StructuredPruneOptions {
  /** Fraction (0 ≤ ratio < 1) of the hidden units removed in every prunable group (rounded down). */
  ratio: number;
  /** Node or tensor names (`*` globs) whose groups are left alone: matching any weight or node a group touches skips it. */
  exclude?: string[];
  /** Never keep fewer units than this in a group (default 1). */
  minUnits?: number;
  /**
   * Round the kept count up to a multiple of this (default 1). CPU kernels (onnxruntime's blocked NCHWc
   * convolutions, SIMD GEMM) are fastest on channel counts that are multiples of 8 or 16: odd counts can
   * make a smaller model slower. A group whose rounded count is its full size is skipped.
   */
  multipleOf?: number;
}

interface Plan { group: UnitGroup; keep: number[] }

/**
 * Structured pruning: remove whole hidden units (MatMul/Gemm columns, Conv output channels) with the
 * smallest weight norms, together with everything that depends on them (bias entries, BatchNorm
 * parameters, the matching input rows/channels of the next weight op), so the dense model really gets
 * smaller and cheaper. Every pattern that cannot be rewritten with certainty is skipped and reported.
 * Only the main graph is rewritten; weights in Constant nodes are moved to initializers first.
 */
export function pruneStructured(model: Model, options: StructuredPruneOptions): PassResult {
  const opts = checkOptions(options);
  const { model: out, report: moved } = constantsToInitializers(model);
  const report: PassReport = { pass: 'prune-structured', options: { ...opts }, tensors: [], skipped: [], notes: [] };
  if (moved.moved.length > 0) report.notes.push(`${moved.moved.length} Constant node(s) turned into initializers`);
  const graph = out.graph;
  if (!graph) return { model: out, report };
  if (allGraphs(out).length > 1) report.notes.push('subgraphs (If/Loop/Scan bodies) are left as they are; only the main graph is rewritten');

  const idx = indexGraph(graph);
  const ranks = valueRanks(graph);
  const excluded = nameFilter(opts.exclude);
  const claimed = new Set<Node>();
  const editedAxes = new Set<string>();
  const plans: Plan[] = [];
  for (const node of topologicalOrder(graph)) {
    const head = unitProducer(node, idx);
    const name = node.name || node.output[0] || '';
    if (head === undefined || claimed.has(node)) continue;
    if (typeof head === 'string') { report.skipped.push({ name, reason: head }); continue; }
    const group = traceUnitGroup(head, { idx, claimed, rankOf: (v) => ranks.get(v) });
    if (typeof group === 'string') { report.skipped.push({ name, reason: group }); continue; }
    const touched = [head, ...group.coProducers].map((p) => p.node.name).concat(group.edits.map((e) => e.tensor));
    const hit = excluded(...touched);
    if (hit !== undefined) { report.skipped.push({ name, reason: `excluded by "${hit}"` }); continue; }
    const clash = group.edits.find((e) => editedAxes.has(`${e.tensor}#${e.axis}`));
    if (clash) { report.skipped.push({ name, reason: `"${clash.tensor}" is already pruned along axis ${clash.axis} by another group` }); continue; }
    const kept = Math.min(head.units, Math.ceil(Math.max(opts.minUnits, head.units - Math.floor(opts.ratio * head.units)) / opts.multipleOf) * opts.multipleOf);
    if (kept >= head.units) {
      report.skipped.push({ name, reason: `ratio ${opts.ratio} removes none of its ${head.units} units${opts.multipleOf > 1 ? ` (kept count rounded up to a multiple of ${opts.multipleOf})` : ''}` });
      continue;
    }
    plans.push({ group, keep: strongestUnits(group, idx.initializer, kept) });
    for (const p of [head, ...group.coProducers]) claimed.add(p.node);
    for (const e of group.edits) editedAxes.add(`${e.tensor}#${e.axis}`);
  }

  const original = new Map(graph.initializer.map((t) => [t.name ?? '', t]));
  const position = new Map(graph.initializer.map((t, i) => [t.name ?? '', i]));
  const removedBy = new Map<string, string[]>();
  for (const { group, keep } of plans) {
    for (const e of group.edits) {
      const i = position.get(e.tensor)!;
      graph.initializer[i] = sliceAxis(graph.initializer[i]!, e.axis, keep);
      const list = removedBy.get(e.tensor) ?? [];
      list.push(`${group.head.units - keep.length}/${group.head.units} along axis ${e.axis}`);
      removedBy.set(e.tensor, list);
    }
    for (const dw of group.depthwise) {
      const attr = dw.attribute.find((a) => a.name === 'group');
      if (attr) attr.i = keep.length;
    }
    fixValueInfo(graph, group, keep.length);
    report.notes.push(`"${group.head.node.name || group.head.node.output[0]}": kept ${keep.length} of ${group.head.units} units`
      + (group.coProducers.length ? ` (with ${group.coProducers.map((p) => p.node.name).join(', ')})` : '')
      + (group.approximate.length ? `; approximate: ${group.approximate.join('; ')}` : ''));
  }
  // Which units went, on each head's weight: lets a user (or a test) map the pruned model back.
  const removedUnits = new Map(plans.map(({ group, keep }) => {
    const kept = new Set(keep);
    return [group.head.weight, Array.from({ length: group.head.units }, (_, k) => k).filter((k) => !kept.has(k)).join(',')];
  }));
  for (const [name, what] of removedBy) {
    const before = original.get(name)!;
    const after = graph.initializer[position.get(name)!]!;
    const units = removedUnits.get(name);
    report.tensors.push({
      name, shapeBefore: [...before.dims], shapeAfter: [...after.dims],
      bytesBefore: tensorByteLength(before), bytesAfter: tensorByteLength(after),
      detail: { removed: what.join('; '), ...(units !== undefined ? { removedUnits: units } : {}) },
    });
  }
  const bytesBefore = report.tensors.reduce((n, t) => n + t.bytesBefore, 0);
  const bytesAfter = report.tensors.reduce((n, t) => n + t.bytesAfter, 0);
  report.notes.push(`${plans.length} group(s) pruned, ${report.skipped.length} pattern(s) skipped; rewritten tensors ${bytesBefore} → ${bytesAfter} bytes`);
  return { model: out, report };
}

/**
 * Rank units by how much they can move the next layer, from weights alone (no data):
 * (size of the unit's output) × (L2 norm of the weights that read it downstream).
 * The size of the output is the L2 norm of the unit's weight slice and bias entry; when a
 * BatchNormalization follows the head it is √(γ² + β²) instead, since BN rescales the unit to
 * standard deviation |γ| around β whatever its weight norm (a unit with a large β is far from
 * negligible even with a tiny weight). Returns the kept indices in their original order.
 */
function strongestUnits(group: UnitGroup, init: Map<string, Tensor>, kept: number): number[] {
  const { head, headNorm } = group;
  const w = init.get(head.weight)!;
  const scores = sliceNorms(readTensorAsFloat32(w), w.dims, head.weightAxis);
  const gamma = headNorm && init.get(headNorm.input[1] ?? '');
  const beta = headNorm && init.get(headNorm.input[2] ?? '');
  if (gamma && beta) {
    const g = readTensorAsFloat32(gamma);
    const b = readTensorAsFloat32(beta);
    for (let k = 0; k < scores.length; k++) scores[k] = Math.hypot(g[k]!, b[k]!);
  } else {
    const bias = head.edits.find((e) => e.tensor !== head.weight);
    const values = bias && readTensorAsFloat32(init.get(bias.tensor)!);
    if (values) for (let k = 0; k < scores.length; k++) scores[k] = Math.hypot(scores[k]!, values[k]!);
  }
  const downstream = new Float64Array(scores.length);
  for (const t of group.terminals) {
    const tensor = init.get(t.tensor)!;
    const norms = sliceNorms(readTensorAsFloat32(tensor), tensor.dims, t.axis);
    for (let k = 0; k < scores.length; k++) downstream[k] = downstream[k]! + norms[k]! * norms[k]!;
  }
  if (group.terminals.length > 0) for (let k = 0; k < scores.length; k++) scores[k] = scores[k]! * Math.sqrt(downstream[k]!);
  const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order.slice(0, kept).sort((a, b) => a - b);
}

/** Shrink the unit axis in stated shapes of the region; drop entries we cannot update so runtimes re-infer them. */
function fixValueInfo(graph: Graph, group: UnitGroup, kept: number): void {
  graph.value_info = graph.value_info.filter((vi) => {
    if (!vi.name || !group.region.has(vi.name)) return true;
    const dims = vi.type?.tensor_type?.shape?.dim;
    if (!dims) return true;
    const pos = dims.length + group.head.unitAxisFromEnd;
    if (pos < 0 || dims[pos]?.dim_value !== group.head.units) return false;
    dims[pos] = { dim_value: kept };
    return true;
  });
}

function valueRanks(graph: Graph): Map<string, number> {
  const ranks = new Map<string, number>();
  for (const vi of [...graph.input, ...graph.output, ...graph.value_info]) {
    const dims = vi.type?.tensor_type?.shape?.dim;
    if (vi.name && dims) ranks.set(vi.name, dims.length);
  }
  for (const t of graph.initializer) ranks.set(t.name ?? '', t.dims.length);
  return ranks;
}

function checkOptions(o: StructuredPruneOptions): Required<StructuredPruneOptions> {
  if (!(typeof o.ratio === 'number' && o.ratio >= 0 && o.ratio < 1)) {
    throw new PareError('option_invalid', `Structured pruning needs a ratio with 0 ≤ ratio < 1 (the fraction of hidden units to remove); got ${o.ratio}.`);
  }
  const minUnits = o.minUnits ?? 1;
  if (!(Number.isInteger(minUnits) && minUnits >= 1)) throw new PareError('option_invalid', `minUnits must be a whole number ≥ 1; got ${minUnits}.`);
  const multipleOf = o.multipleOf ?? 1;
  if (!(Number.isInteger(multipleOf) && multipleOf >= 1)) throw new PareError('option_invalid', `multipleOf must be a whole number ≥ 1; got ${multipleOf}.`);
  return { ratio: o.ratio, exclude: [...(o.exclude ?? [])], minUnits, multipleOf };
}

pruneStructured satisfies Pass<StructuredPruneOptions>;
