import type { Graph, Model, Node, Tensor } from './types';
import { allGraphs } from './graphWalk';
import { makeTensor } from './tensorData';
import { DataType } from './dataType';
import { valueInfo } from './graphBuilder';

export interface ConstantsToInitializersReport {
  /** Names of the values that moved from Constant nodes to initializers. */
  moved: string[];
  /** Constant nodes left in place, with the reason (sparse value, string data…). */
  kept: Array<{ name: string; reason: string }>;
}

/**
 * Turn `Constant` nodes of the main graph into initializers, so passes see weights in one place.
 * Pure: returns a new model. Constants inside subgraphs are left alone (their scope is the subgraph) unless
 * `subgraphs` is set: then each If/Loop/Scan body's Constants become initializers of that body.
 */
export function constantsToInitializers(model: Model, options: { subgraphs?: boolean } = {}): { model: Model; report: ConstantsToInitializersReport } {
  const out = structuredClone(model);
  const report: ConstantsToInitializersReport = { moved: [], kept: [] };
  if (!out.graph) return { model: out, report };
  const graphs = options.subgraphs ? allGraphs(out).map((g) => g.graph) : [out.graph];
  for (const graph of graphs) moveConstants(graph, graph === out.graph && (out.ir_version ?? 0) < 4, report);
  return { model: out, report };
}

function moveConstants(graph: Graph, listAsInputs: boolean, report: ConstantsToInitializersReport): void {
  const remaining: Node[] = [];
  for (const node of graph.node) {
    if (node.op_type !== 'Constant' || (node.domain && node.domain !== 'ai.onnx') || node.output.length !== 1) {
      remaining.push(node);
      continue;
    }
    const name = node.output[0]!;
    const tensor = constantTensor(node);
    if (typeof tensor === 'string') {
      report.kept.push({ name, reason: tensor });
      remaining.push(node);
      continue;
    }
    graph.initializer.push({ ...tensor, name });
    // Before IR 4 every initializer had to be listed as a graph input too, or runtimes refuse the model.
    if (listAsInputs && !graph.input.some((v) => v.name === name)) {
      graph.input.push(valueInfo(name, tensor.data_type ?? 0, tensor.dims));
    }
    report.moved.push(name);
  }
  graph.node = remaining;
}

/** The tensor a Constant node yields (dense forms only), or why it cannot be an initializer. */
export function constantTensor(node: Node): Tensor | string {
  const attr = node.attribute[0];
  if (!attr || node.attribute.length !== 1) return 'Constant without exactly one value attribute';
  switch (attr.name) {
    case 'value': return attr.t ?? 'empty value';
    case 'value_float': return makeTensor('', DataType.FLOAT, [], [attr.f ?? 0]);
    case 'value_floats': return makeTensor('', DataType.FLOAT, [attr.floats.length], attr.floats);
    case 'value_int': return makeTensor('', DataType.INT64, [], [attr.i ?? 0]);
    case 'value_ints': return makeTensor('', DataType.INT64, [attr.ints.length], attr.ints);
    default: return `Constant with ${attr.name} is kept as a node`;
  }
}
