import { PareError } from '@pare/errors';
import type { Graph, Node, Tensor } from './types';

/** Who produces and who consumes each value of one graph (subgraph bodies are not entered). */
export interface GraphIndex {
  producer: Map<string, Node>;
  consumers: Map<string, Node[]>;
  initializer: Map<string, Tensor>;
  graphInputs: Set<string>;
  graphOutputs: Set<string>;
}

export function indexGraph(graph: Graph): GraphIndex {
  const producer = new Map<string, Node>();
  const consumers = new Map<string, Node[]>();
  for (const node of graph.node) {
    for (const out of node.output) if (out) producer.set(out, node);
    for (const name of [...node.input, ...outerNamesUsedBySubgraphs(node)]) {
      if (!name) continue;
      const list = consumers.get(name);
      if (list) { if (!list.includes(node)) list.push(node); } else consumers.set(name, [node]);
    }
  }
  return {
    producer,
    consumers,
    initializer: new Map(graph.initializer.map((t) => [t.name ?? '', t])),
    graphInputs: new Set(graph.input.map((v) => v.name ?? '')),
    graphOutputs: new Set(graph.output.map((v) => v.name ?? '')),
  };
}

/** Names a node's subgraphs (If/Loop/Scan bodies) read from the enclosing scope: they count as uses. */
export function outerNamesUsedBySubgraphs(node: Node): string[] {
  const names = new Set<string>();
  for (const attr of node.attribute) {
    for (const g of [attr.g, ...attr.graphs]) {
      if (!g) continue;
      const defined = new Set<string>([...g.input.map((v) => v.name ?? ''), ...g.initializer.map((t) => t.name ?? '')]);
      for (const n of g.node) n.output.forEach((o) => defined.add(o));
      for (const n of g.node) {
        for (const i of [...n.input, ...outerNamesUsedBySubgraphs(n)]) if (i && !defined.has(i)) names.add(i);
      }
      for (const o of g.output) if (o.name && !defined.has(o.name)) names.add(o.name);
    }
  }
  return [...names];
}

/** Nodes in an order where every node comes after the producers of its inputs. Throws on a cycle. */
export function topologicalOrder(graph: Graph): Node[] {
  const { producer } = indexGraph(graph);
  const state = new Map<Node, 1 | 2>();
  const order: Node[] = [];
  // Subgraph scans are costly (If bodies hold hundreds of nodes): do each node's once, not once per input visited.
  const inputsOf = new Map<Node, string[]>();
  const inputs = (node: Node): string[] => {
    let list = inputsOf.get(node);
    if (!list) inputsOf.set(node, (list = [...node.input, ...outerNamesUsedBySubgraphs(node)]));
    return list;
  };
  const visit = (root: Node): void => {
    // Iterative DFS: real graphs are thousands of nodes deep.
    const stack: Array<[Node, number]> = [[root, 0]];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [node, i] = top;
      if (i === 0) {
        if (state.get(node) === 2) { stack.pop(); continue; }
        state.set(node, 1);
      }
      const deps = inputs(node);
      if (i < deps.length) {
        top[1] = i + 1;
        const dep = producer.get(deps[i]!);
        if (dep && dep !== node) {
          const s = state.get(dep);
          if (s === 1) throw new PareError('onnx_cycle', `The graph has a cycle through node "${dep.name ?? dep.op_type}".`);
          if (s === undefined) stack.push([dep, 0]);
        }
        continue;
      }
      state.set(node, 2);
      order.push(node);
      stack.pop();
    }
  };
  for (const node of graph.node) visit(node);
  return order;
}
