import { allGraphs } from './graphWalk';
import type { Attribute, Model, Node, Tensor } from './types';

/** A tensor stored somewhere in a model, with where it sits (for messages a user can act on). */
export interface StoredTensor {
  tensor: Tensor;
  /** e.g. "main initializer conv1.weight", "main/If_25.then_branch node Constant_3 attribute value". */
  where: string;
}

/**
 * Every tensor a model stores: initializers, sparse initializers (values and indices) and tensors held in node
 * attributes (Constant values and the like), in every graph and function. Subgraphs themselves come from
 * allGraphs, so graph-valued attributes are not descended here.
 */
export function allTensors(model: Model): StoredTensor[] {
  const found: StoredTensor[] = [];
  const fromNodes = (nodes: Node[], scope: string): void => {
    for (const node of nodes) {
      for (const attr of node.attribute) {
        for (const tensor of attributeTensors(attr)) {
          found.push({ tensor, where: `${scope} node ${node.name || node.op_type} attribute ${attr.name}` });
        }
      }
    }
  };
  for (const { graph, path } of allGraphs(model)) {
    for (const t of graph.initializer) found.push({ tensor: t, where: `${path} initializer ${t.name}` });
    for (const s of graph.sparse_initializer) {
      for (const t of [s.values, s.indices]) if (t) found.push({ tensor: t, where: `${path} sparse initializer ${s.values?.name}` });
    }
    fromNodes(graph.node, path);
  }
  for (const f of model.functions) fromNodes(f.node, `function ${f.name}`);
  return found;
}

function attributeTensors(attr: Attribute): Tensor[] {
  const out: Tensor[] = [];
  if (attr.t) out.push(attr.t);
  out.push(...attr.tensors);
  for (const s of [attr.sparse_tensor, ...attr.sparse_tensors]) {
    if (s?.values) out.push(s.values);
    if (s?.indices) out.push(s.indices);
  }
  return out;
}
