import type { Graph, Model } from './types';

/** A graph reached while walking a model: the main graph, or a subgraph of an If/Loop/Scan node or a function. */
export interface VisitedGraph {
  graph: Graph;
  /** "main", or e.g. "main/If_0.then_branch" for a subgraph. */
  path: string;
  depth: number;
}

/** Every graph of the model, main graph first, subgraphs depth-first. */
export function allGraphs(model: Model): VisitedGraph[] {
  const found: VisitedGraph[] = [];
  const visit = (graph: Graph, path: string, depth: number): void => {
    found.push({ graph, path, depth });
    for (const node of graph.node) {
      for (const attr of node.attribute) {
        const subs = attr.g ? [attr.g] : attr.graphs;
        subs.forEach((g, i) => visit(g, `${path}/${node.name || node.op_type}.${attr.name}${attr.g ? '' : `[${i}]`}`, depth + 1));
      }
    }
  };
  if (model.graph) visit(model.graph, 'main', 0);
  return found;
}

/** Count of each operator (domain-qualified when not the default domain) over all graphs and functions. */
export function opCounts(model: Model): Record<string, number> {
  const counts: Record<string, number> = {};
  const add = (domain: string | undefined, op: string | undefined): void => {
    const key = domain && domain !== 'ai.onnx' ? `${domain}.${op}` : (op ?? '?');
    counts[key] = (counts[key] ?? 0) + 1;
  };
  for (const { graph } of allGraphs(model)) for (const n of graph.node) add(n.domain, n.op_type);
  for (const f of model.functions) for (const n of f.node) add(n.domain, n.op_type);
  return counts;
}

/** The opset version the model imports for a domain ("" is the default ONNX domain), or undefined. */
export function opsetVersion(model: Model, domain = ''): number | undefined {
  const norm = (d: string | undefined): string => (d === 'ai.onnx' ? '' : (d ?? ''));
  return model.opset_import.find((o) => norm(o.domain) === norm(domain))?.version;
}
