// Weight-only storage forms compute each weight from constants on every run: DequantizeLinear(int8, scale[, zp])
// or Cast(fp16 → fp32). onnxruntime keeps DQ nodes (for its QDQ fusions) and does not fold them, so the int8
// file costs run time. This folds every such node whose inputs are all initializers of its own graph (If/Loop/Scan
// bodies included) into the fp32 initializer it computes: the small download, fp32 speed, fp32 memory.
// Web-standard code, so it can run where a model is loaded (a Worker included).
import { allGraphs } from './graphWalk';
import { DataType } from './dataType';
import { indexGraph, outerNamesUsedBySubgraphs } from './graphIndex';
import { makeTensor, readTensor, readTensorAsFloat32 } from './tensorData';
import type { Graph, Model, Node, Tensor } from './types';

export interface FoldedTensor {
  /** The value name the fp32 initializer now carries (the DQ or Cast output). */
  name: string;
  /** Graph path ("main", "main/If_25.then_branch"…). */
  graph: string;
  op: 'DequantizeLinear' | 'Cast';
  dims: number[];
  bytesBefore: number;
  bytesAfter: number;
}

export interface FoldReport {
  folded: FoldedTensor[];
  /** Constant-input DQ/Cast nodes of a form this does not fold (e.g. int4 or a non-float scale). */
  skipped: Array<{ name: string; reason: string }>;
}

const QUANTIZED = new Set<number>([DataType.INT8, DataType.UINT8, DataType.INT32]);
const DQ_DOMAINS = new Set(['', 'ai.onnx', 'com.microsoft']);

/** Pure: returns a new model (or the same model object when there is nothing to fold). */
export function foldConstantDequantize(model: Model): { model: Model; report: FoldReport } {
  const report: FoldReport = { folded: [], skipped: [] };
  if (!allGraphs(model).some(({ graph }) => graph.node.some((n) => foldable(n)))) return { model, report };
  const out = structuredClone(model);
  for (const { graph, path } of allGraphs(out)) foldGraph(graph, path, report);
  return { model: out, report };
}

function foldable(node: Node): boolean {
  return (node.op_type === 'DequantizeLinear' && DQ_DOMAINS.has(node.domain ?? '')) || (node.op_type === 'Cast' && !node.domain);
}

function foldGraph(graph: Graph, path: string, report: FoldReport): void {
  const index = indexGraph(graph);
  const folded = new Set<Node>();
  const inputsOfFolded = new Set<string>();
  for (const node of graph.node) {
    if (!foldable(node) || index.graphInputs.has(node.output[0] ?? '')) continue;
    const inputs = node.input.map((n) => (n ? index.initializer.get(n) : undefined));
    const x = inputs[0];
    if (!x || node.input.some((n, i) => n && !inputs[i])) continue;
    let values: Float32Array;
    if (node.op_type === 'Cast') {
      if (x.data_type !== DataType.FLOAT16 || intAttr(node, 'to', 0) !== DataType.FLOAT) continue;
      values = readTensorAsFloat32(x);
    } else {
      const [, scale, zp] = inputs;
      if (!QUANTIZED.has(x.data_type ?? 0) || scale!.data_type !== DataType.FLOAT || intAttr(node, 'block_size', 0) !== 0) {
        report.skipped.push({ name: node.output[0]!, reason: 'DequantizeLinear of a type or input form this does not fold' });
        continue;
      }
      values = dequantizeTensor(x, readTensorAsFloat32(scale!), zp ? readTensor(zp) : undefined, intAttr(node, 'axis', 1));
    }
    const name = node.output[0]!;
    graph.initializer.push(makeTensor(name, DataType.FLOAT, x.dims, values));
    folded.add(node);
    node.input.forEach((n) => n && inputsOfFolded.add(n));
    report.folded.push({ name, graph: path, op: node.op_type as FoldedTensor['op'], dims: [...x.dims], bytesBefore: x.raw_data?.byteLength ?? 0, bytesAfter: values.byteLength });
  }
  if (!folded.size) return;
  graph.node = graph.node.filter((n) => !folded.has(n));
  // The stored data, scales and zero points go, unless something else (a nested body included) still reads them.
  const used = new Set(graph.node.flatMap((n) => [...n.input, ...outerNamesUsedBySubgraphs(n)]));
  for (const o of graph.output) used.add(o.name ?? '');
  const gone = new Set([...inputsOfFolded].filter((n) => !used.has(n)));
  graph.initializer = graph.initializer.filter((t) => !gone.has(t.name ?? ''));
  graph.input = graph.input.filter((v) => !gone.has(v.name ?? ''));
  graph.value_info = graph.value_info.filter((v) => !gone.has(v.name ?? '') && !folded.has(index.producer.get(v.name ?? '')!));
}

function intAttr(node: Node, name: string, fallback: number): number {
  return node.attribute.find((a) => a.name === name)?.i ?? fallback;
}

/** (x - zp) * scale, per tensor (scalar scale) or per axis (1-D scale along `axis`, ONNX's default axis 1). */
function dequantizeTensor(x: Tensor, scale: Float32Array, zp: ArrayLike<number | bigint> | undefined, axisAttr: number): Float32Array {
  const q = readTensor(x) as Int8Array | Uint8Array | Int32Array;
  const out = new Float32Array(q.length);
  const dims = x.dims;
  // A one-element scale is per-tensor whatever the axis (one channel, or a scalar).
  const perAxis = scale.length > 1;
  const axis = axisAttr < 0 ? axisAttr + dims.length : axisAttr;
  let inner = 1;
  if (perAxis) for (let d = axis + 1; d < dims.length; d++) inner *= dims[d]!;
  const channels = perAxis ? dims[axis]! : 1;
  for (let i = 0; i < q.length; i++) {
    const c = perAxis ? Math.floor(i / inner) % channels : 0;
    const z = zp ? Number(zp[c]) : 0;
    // Math.fround per step, as the runtime's float32 arithmetic: the folded model computes what the DQ computed.
    out[i] = Math.fround((q[i]! - z) * scale[c]!);
  }
  return out;
}
