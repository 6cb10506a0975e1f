import { elementCount, type allGraphs, type Graph, type Node, type Tensor } from '@pare/onnx';
import type { NameFilter } from './nameFilter';
import { PRUNABLE_TYPES } from './tensorEdit';

/** The operators whose weights magnitude pruning touches, and which inputs are weights (not biases). */
const WEIGHT_INPUTS: Record<string, readonly number[]> = {
  MatMul: [0, 1],
  Gemm: [0, 1],
  Conv: [1],
  ConvTranspose: [1],
};

export interface WeightTarget {
  graph: Graph;
  /** Index into graph.initializer (the tensor is replaced there). */
  index: number;
  tensor: Tensor;
  /** Nodes that read it as a weight, for the report and for exclusion by node name. */
  nodes: Node[];
}

export interface TargetSearch {
  targets: WeightTarget[];
  skipped: Array<{ name: string; reason: string }>;
}

/**
 * Find the weight initializers of MatMul/Gemm/Conv nodes in every graph of the model, subgraph bodies
 * included. A subgraph may read an initializer of an enclosing graph (Silero VAD keeps all its weights in
 * the main graph and uses them inside If branches), so names are resolved across all scopes; ONNX forbids
 * shadowing, and a name defined twice anyway is left alone. Only initializers count: a weight computed at
 * run time cannot be rewritten here. Biases and norm parameters are never targets because only weight
 * input slots are considered.
 */
export function findWeightTargets(graphs: ReturnType<typeof allGraphs>, minElements: number, excluded: NameFilter): TargetSearch {
  const skipped: TargetSearch['skipped'] = [];
  const targets: WeightTarget[] = [];
  const where = new Map<string, { graph: Graph; index: number } | 'ambiguous'>();
  for (const { graph } of graphs) {
    graph.initializer.forEach((t, index) => where.set(t.name ?? '', where.has(t.name ?? '') ? 'ambiguous' : { graph, index }));
  }
  const found = new Map<string, WeightTarget>();
  for (const { graph } of graphs) {
    for (const node of graph.node) {
      const slots = (node.domain ?? '') === '' || node.domain === 'ai.onnx' ? WEIGHT_INPUTS[node.op_type ?? ''] : undefined;
      for (const slot of slots ?? []) {
        const name = node.input[slot];
        const at = name ? where.get(name) : undefined;
        if (name === undefined || at === undefined) continue;
        if (at === 'ambiguous') { if (!found.has(name)) skipped.push({ name, reason: 'initializer name defined in more than one graph scope' }); continue; }
        const existing = found.get(name);
        if (existing) { existing.nodes.push(node); continue; }
        found.set(name, { graph: at.graph, index: at.index, tensor: at.graph.initializer[at.index]!, nodes: [node] });
      }
    }
  }
  for (const [name, target] of found) {
    const pattern = excluded(name, ...target.nodes.map((n) => n.name));
    const count = elementCount(target.tensor.dims);
    if (pattern !== undefined) skipped.push({ name, reason: `excluded by "${pattern}"` });
    else if (!PRUNABLE_TYPES.has(target.tensor.data_type ?? 0)) skipped.push({ name, reason: `element type ${target.tensor.data_type} is not float32/float64` });
    else if (count < minElements) skipped.push({ name, reason: `${count} elements, fewer than minElements ${minElements}` });
    else targets.push(target);
  }
  return { targets, skipped };
}
