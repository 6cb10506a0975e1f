// Small editing tools the quantization passes share: fresh names, node construction, opset checks.
import { PareError } from '@pare/errors';
import { allGraphs, attribute, opsetVersion, outerNamesUsedBySubgraphs, type AttributeValue, type Graph, type Model, type Node } from '@pare/onnx';

/** Hands out value and node names that collide with nothing anywhere in the model (subgraphs included). */
export class NameAllocator {
  private readonly used = new Set<string>();

  constructor(model: Model) {
    for (const { graph } of allGraphs(model)) {
      for (const v of [...graph.input, ...graph.output, ...graph.value_info]) if (v.name) this.used.add(v.name);
      for (const t of graph.initializer) if (t.name) this.used.add(t.name);
      for (const n of graph.node) {
        for (const o of [...n.input, ...n.output]) if (o) this.used.add(o);
        if (n.name) this.used.add(n.name);
      }
    }
  }

  /** `base` itself when free, else `base_1`, `base_2`… */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }
}

export function makeNode(opType: string, inputs: string[], outputs: string[], name: string, attrs: Record<string, AttributeValue> = {}, domain = ''): Node {
  return {
    op_type: opType, input: inputs, output: outputs, name, domain,
    attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)), metadata_props: [],
  };
}

/** Integer attribute of a node, or the default. */
export function intAttr(node: Node, name: string, fallback: number): number {
  const a = node.attribute.find((x) => x.name === name);
  return a?.i ?? fallback;
}

export function floatAttr(node: Node, name: string, fallback: number): number {
  const a = node.attribute.find((x) => x.name === name);
  return a?.f ?? fallback;
}

/**
 * Fail with `opset_too_old` when the model's default-domain opset is below what the emitted operators need.
 * The message names the operator, the version it needs and how to get there.
 */
export function requireOpset(model: Model, needed: number, what: string): void {
  const have = opsetVersion(model, '') ?? 1;
  if (have >= needed) return;
  throw new PareError(
    'opset_too_old',
    `${what} needs ONNX opset ${needed} or newer, but the model imports opset ${have}. ` +
      `Upgrade the model first (upgradeOpset(model, ${Math.max(needed, 13)}) from @pare/onnx, or re-export it with a newer opset)` +
      (needed >= 13 ? ', or choose per-tensor quantization, which needs opset 10 (11 for the dynamic MatMulInteger form).' : '.'),
    { details: { needed, have } },
  );
}

/** Make sure the model imports a domain (com.microsoft for contrib operators). Mutates the given copy. */
export function importDomain(model: Model, domain: string, version: number): void {
  if (opsetVersion(model, domain) === undefined) model.opset_import.push({ domain, version });
}

/** Nodes that depend only on initializers (DequantizeLinear of a weight) go first: graph.node must stay topologically ordered. */
export function prependNodes(graph: Graph, nodes: Node[]): void {
  graph.node.unshift(...nodes);
}

/** Replace one node by a sequence in place, keeping topological order (the sequence reads what the node read). */
export function replaceNode(graph: Graph, node: Node, replacement: Node[]): void {
  const i = graph.node.indexOf(node);
  graph.node.splice(i, 1, ...replacement);
}

/** Remove an initializer (and its stale graph-input entry, which models from IR < 4 carry). */
export function removeInitializer(graph: Graph, name: string): void {
  graph.initializer = graph.initializer.filter((t) => t.name !== name);
  graph.input = graph.input.filter((v) => v.name !== name);
  graph.value_info = graph.value_info.filter((v) => v.name !== name);
}

/** Drop initializers nothing reads any more (nested bodies included); graph inputs and outputs count as reads. */
export function dropUnusedInitializers(graph: Graph): void {
  // Graph inputs that have an initializer (IR < 4 style) are overridable defaults, not dead weights: keep them.
  const used = new Set<string>([...graph.output, ...graph.input].map((o) => o.name ?? ''));
  for (const n of graph.node) for (const i of [...n.input, ...outerNamesUsedBySubgraphs(n)]) used.add(i);
  graph.initializer = graph.initializer.filter((t) => used.has(t.name ?? ''));
}
