// What the static (QDQ) pass quantizes: Conv, MatMul and Gemm nodes, their constant weights, and the
// activations around them (inputs and outputs). Calibration observes exactly these activations.
import { constantsToInitializers, indexGraph, type Graph, type Model, type Node } from '@pare/onnx';
import { nameFilter } from '../prune/nameFilter';
import { foldBatchNorm } from './foldBatchNorm';
import { NameAllocator } from './graphEdit';
import { findWeightSites, type SiteSelection, type WeightSite } from './weightSites';

const STATIC_OPS = ['Conv', 'MatMul', 'Gemm'] as const;

/**
 * Small weights stay fp32 by default, as in the other passes. Quantizing them too (minElements: 1) was faster on
 * PP-OCR cls in wasm (1.46x fp32 vs 1.88x) but cost fidelity (cosine 0.968 vs 0.99999): a trade for the caller.
 */
const STATIC_MIN_ELEMENTS = 256;

export interface StaticTarget {
  node: Node;
  /** The constant weight, when the node has one (MatMul of two activations has none). */
  weight?: WeightSite;
  /** Activation values read (non-constant inputs, bias excluded) and written. */
  activations: string[];
}

export function findStaticTargets(graph: Graph, selection: Omit<SiteSelection, 'ops'> = {}): { targets: StaticTarget[]; skipped: Array<{ name: string; reason: string }> } {
  const index = indexGraph(graph);
  const { sites, skipped } = findWeightSites(graph, { ...selection, minElements: selection.minElements ?? STATIC_MIN_ELEMENTS, ops: STATIC_OPS });
  const byNode = new Map(sites.map((s) => [s.node, s]));
  const excluded = nameFilter(selection.exclude);
  const targets: StaticTarget[] = [];
  for (const node of graph.node) {
    if ((node.domain ?? '') !== '' || !(STATIC_OPS as readonly string[]).includes(node.op_type ?? '')) continue;
    const weight = byNode.get(node);
    const isConst = (name: string): boolean => index.initializer.has(name);
    if (!weight) {
      // Only MatMul of two activations (attention scores) is quantized without a constant weight.
      const activationsOnly = node.op_type === 'MatMul' && !node.input.some(isConst);
      if (!activationsOnly) continue;
      if (excluded(node.name, ...node.output)) continue;
    }
    // Gemm's C and Conv's bias (input 2) are not activations; they are folded into an int32 bias where possible.
    const reads = node.input.slice(0, 2).filter((n) => n && !isConst(n));
    // A graph output keeps full precision: the caller reads it, and no later node could use its quantized form.
    const writes = index.graphOutputs.has(node.output[0]!) ? [] : [node.output[0]!];
    targets.push({ node, weight, activations: [...reads, ...writes] });
  }
  return { targets, skipped };
}

/** The activation names `calibrate` observes by default for `quantizeStaticInt8` (after the same BN folding). */
export function staticActivationNames(model: Model, selection: Omit<SiteSelection, 'ops'> & { foldBatchNorm?: boolean } = {}): string[] {
  const { model: m } = constantsToInitializers(model);
  // A folded Conv writes its BatchNormalization's output name, whose values the original model also computes.
  if (selection.foldBatchNorm ?? true) foldBatchNorm(m.graph!, new NameAllocator(m));
  const { targets } = findStaticTargets(m.graph!, selection);
  return [...new Set(targets.flatMap((t) => t.activations))];
}
