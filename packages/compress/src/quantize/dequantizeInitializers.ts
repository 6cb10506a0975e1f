// The inverse of weight-only int8, for the moment a model is loaded: every DequantizeLinear whose inputs are
// all initializers becomes the fp32 initializer it computes. onnxruntime does not fold these itself (it keeps
// DQ nodes for its QDQ fusions), so a weight-only model dequantizes its weights on every run, which in wasm costs
// 1.2–3.5x (per-tensor) and up to 30x (per-axis) on MatMul-heavy models. Shipping the int8 file and calling this
// before creating the session gives the int8 download size with fp32 speed, at fp32 memory. Web-standard code
// only, so it can run where the model is loaded (a Worker included).
import { DataType, indexGraph, makeTensor, outerNamesUsedBySubgraphs, readTensor, readTensorAsFloat32, type Model, type Tensor } from '@pare/onnx';
import type { Pass, PassReport, PassResult } from '../passReport';
import { intAttr, removeInitializer } from './graphEdit';

const QUANTIZED = new Set<number>([DataType.INT8, DataType.UINT8, DataType.INT32]);

export function dequantizeInitializers(model: Model): PassResult {
  const out = structuredClone(model);
  const graph = out.graph!;
  const report: PassReport = { pass: 'dequantizeInitializers', options: {}, tensors: [], skipped: [], notes: [] };
  const index = indexGraph(graph);
  const folded = new Set<object>();
  const inputsOfFolded = new Set<string>();
  for (const node of graph.node) {
    if (node.op_type !== 'DequantizeLinear' || !['', 'ai.onnx', 'com.microsoft'].includes(node.domain ?? '')) continue;
    const [x, scale, zp] = node.input.map((n) => (n ? index.initializer.get(n) : undefined));
    if (!x || !scale || (node.input[2] && !zp) || !QUANTIZED.has(x.data_type ?? 0) || scale.data_type !== DataType.FLOAT) {
      if (x && scale) report.skipped.push({ name: node.output[0]!, reason: 'DequantizeLinear of a type or input form this does not fold' });
      continue;
    }
    const values = dequantizeTensor(x, readTensorAsFloat32(scale), zp ? readTensor(zp) : undefined, intAttr(node, 'axis', 1));
    const name = node.output[0]!;
    graph.initializer.push(makeTensor(name, DataType.FLOAT, x.dims, values));
    folded.add(node);
    node.input.forEach((n) => n && inputsOfFolded.add(n));
    report.tensors.push({ name, shapeBefore: [...x.dims], shapeAfter: [...x.dims], bytesBefore: (x.raw_data?.byteLength ?? 0), bytesAfter: values.byteLength });
  }
  graph.node = graph.node.filter((n) => !folded.has(n));
  // The int8 data, scales and zero points, unless something else still reads them.
  const used = new Set(graph.node.flatMap((n) => [...n.input, ...outerNamesUsedBySubgraphs(n)]));
  for (const n of inputsOfFolded) if (!used.has(n)) removeInitializer(graph, n);
  if (folded.size) report.notes.push(`${folded.size} DequantizeLinear node(s) of constant weights folded into fp32 initializers.`);
  return { model: out, report };
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
    out[i] = (q[i]! - z) * scale[c]!;
  }
  return out;
}

dequantizeInitializers satisfies Pass<undefined>;
