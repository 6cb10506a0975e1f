// Static int8 quantization in QDQ form: QuantizeLinear → DequantizeLinear pairs on the activations around
// Conv/MatMul/Gemm (scales from calibration), int8 weights behind DequantizeLinear, int32 biases. onnxruntime
// fuses DQ → Conv → Q into QLinearConv, which keeps conv models near fp32 speed in wasm where ConvInteger does not.
import { PareError } from '@pare/errors';
import { DataType, indexGraph, makeTensor, readTensorAsFloat32, tensorByteLength, topologicalOrder, type Graph, type Model, type Node } from '@pare/onnx';
import type { ActivationRanges } from '../calibrate/activationRanges';
import type { Pass, PassReport, PassResult } from '../passReport';
import { dequantizedWeight } from './dequantizedWeight';
import { floatAttr, makeNode, NameAllocator, removeInitializer, requireOpset } from './graphEdit';
import { activationParams, roundHalfEven, type QuantParams, type QuantType } from './quantMath';
import { findStaticTargets, type StaticTarget } from './staticTargets';
import { startQuantization } from './quantizationStart';
import { subgraphNote } from './subgraphNote';

export interface QuantizeStaticInt8Options {
  /** Activation ranges from calibration (`calibrate` or `activationRanges`). */
  ranges: ActivationRanges;
  /** One weight scale per output channel; needs opset 13. Default true. */
  perChannel?: boolean;
  /** Element type of quantized activations (default: the faster one measured in ORT-web wasm). */
  activationType?: QuantType;
  exclude?: string[];
  /** Fold inference BatchNormalization into the preceding Conv first (default true): keeps the Conv fusable. */
  foldBatchNorm?: boolean;
  /** Weights with fewer elements stay fp32 (default 256); their node's activations stay fp32 too. */
  minElements?: number;
}

/**
 * int8 activations: in onnxruntime-web wasm uint8 was 2–3x slower than int8 on PP-OCR cls and no better than
 * within noise elsewhere (bench-results/quantize-forms.md); int8 has the smaller worst case.
 */
export const DEFAULT_ACTIVATION_TYPE: QuantType = 'int8';

export function quantizeStaticInt8(model: Model, options: QuantizeStaticInt8Options): PassResult {
  if (!options || typeof options.ranges !== 'object' || options.ranges === null) {
    throw new PareError('option_invalid', 'quantizeStaticInt8 needs `ranges` from calibration (see calibrate()).');
  }
  const perChannel = options.perChannel ?? true;
  const activationType = options.activationType ?? DEFAULT_ACTIVATION_TYPE;
  if (activationType !== 'uint8' && activationType !== 'int8') throw new PareError('option_invalid', `activationType must be uint8 or int8; got "${String(activationType)}".`);
  requireOpset(model, perChannel ? 13 : 10, perChannel ? 'Static int8 with per-channel weights (per-axis DequantizeLinear)' : 'Static int8 (QuantizeLinear/DequantizeLinear)');

  const { model: out, graph, report, names } = startQuantization(model, 'quantizeStaticInt8', { perChannel, activationType, exclude: options.exclude ?? [], minElements: options.minElements, rangeCount: Object.keys(options.ranges).length }, { foldBatchNorm: options.foldBatchNorm ?? true });
  const { targets, skipped } = findStaticTargets(graph, { exclude: options.exclude, minElements: options.minElements });
  report.skipped.push(...skipped);

  const chosen: StaticTarget[] = [];
  for (const t of targets) {
    const missing = t.activations.find((a) => !options.ranges[a]);
    if (missing) report.skipped.push({ name: t.node.name || t.node.output[0]!, reason: `no calibration range for "${missing}"` });
    else chosen.push(t);
  }
  const actParams = new Map<string, QuantParams>();
  for (const t of chosen) for (const a of t.activations) {
    if (!actParams.has(a)) actParams.set(a, activationParams(options.ranges[a]!.min, options.ranges[a]!.max, activationType));
  }

  const added: Node[] = [];
  const weightScales = new Map<string, QuantParams>();
  for (const t of chosen) {
    if (!t.weight) continue;
    const w = t.weight.tensor;
    if (!weightScales.has(w.name!)) {
      const { node, change } = dequantizedWeight(graph, w, { axis: perChannel ? t.weight.channelAxis : undefined, symmetric: true }, names);
      change.detail = { ...change.detail, op: t.weight.op };
      added.push(node);
      report.tensors.push(change);
      const scale = readTensorAsFloat32(graph.initializer.find((x) => x.name === node.input[1])!);
      weightScales.set(w.name!, { type: 'int8', scale, zeroPoint: new Int32Array(scale.length), axis: t.weight.channelAxis });
    }
    const bias = quantizeBias(graph, t, actParams.get(t.node.input[0]!)!, weightScales.get(w.name!)!, names);
    if (bias) { added.push(bias.node); report.tensors.push(bias.change); }
  }
  for (const [name, p] of actParams) added.push(...qdqPair(graph, name, p, names));
  graph.node.push(...added);
  graph.node = topologicalOrder(graph);
  report.notes.push(`${actParams.size} activation(s) quantized to ${activationType} (QuantizeLinear/DequantizeLinear pairs) around ${chosen.length} node(s).`);
  const note = subgraphNote(out);
  if (note) report.notes.push(note);
  return { model: out, report };
}

/**
 * Q → DQ on an activation; every main-graph reader (not the graph output itself) reads the dequantized value,
 * so onnxruntime sees DQ on each input of the quantized nodes and Q on each output, the pattern it fuses.
 */
function qdqPair(graph: Graph, name: string, p: QuantParams, names: NameAllocator): Node[] {
  const scale = names.fresh(`${name}_scale`);
  const zp = names.fresh(`${name}_zero_point`);
  const q = names.fresh(`${name}_quantized`);
  const dq = names.fresh(`${name}_dequantized`);
  graph.initializer.push(makeTensor(scale, DataType.FLOAT, [], p.scale));
  graph.initializer.push(makeTensor(zp, p.type === 'int8' ? DataType.INT8 : DataType.UINT8, [], p.zeroPoint));
  for (const n of graph.node) n.input = n.input.map((i) => (i === name ? dq : i));
  return [
    makeNode('QuantizeLinear', [name, scale, zp], [q], names.fresh(`${name}_QuantizeLinear`)),
    makeNode('DequantizeLinear', [q, scale, zp], [dq], names.fresh(`${name}_DequantizeLinear`)),
  ];
}

/**
 * Conv bias (and Gemm's C when alpha = beta = 1 and C is a vector) as int32 with scale x_scale · w_scale,
 * zero point 0: onnxruntime's QDQ Conv/Gemm fusion needs every input behind a DequantizeLinear.
 */
function quantizeBias(graph: Graph, t: StaticTarget, x: QuantParams, w: QuantParams, names: NameAllocator) {
  const { node } = t;
  const biasName = node.input[2];
  if (!biasName) return undefined;
  const index = indexGraph(graph);
  const tensor = index.initializer.get(biasName);
  if (!tensor || tensor.data_type !== DataType.FLOAT || tensor.dims.length !== 1) return undefined;
  if (node.op_type === 'Gemm' && (floatAttr(node, 'alpha', 1) !== 1 || floatAttr(node, 'beta', 1) !== 1)) return undefined;
  if ((index.consumers.get(biasName) ?? []).length !== 1) return undefined; // shared with another node: leave fp32
  const b = readTensorAsFloat32(tensor);
  const perChannel = w.scale.length > 1;
  const scale = new Float32Array(perChannel ? w.scale.length : 1);
  for (let c = 0; c < scale.length; c++) scale[c] = x.scale[0]! * w.scale[c]!;
  const q = new Int32Array(b.length);
  for (let i = 0; i < b.length; i++) q[i] = Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, roundHalfEven(b[i]! / scale[perChannel ? i : 0]!)));
  const qName = names.fresh(`${biasName}_quantized`);
  const sName = names.fresh(`${biasName}_scale`);
  const zName = names.fresh(`${biasName}_zero_point`);
  const dims = perChannel ? [scale.length] : [];
  removeInitializer(graph, biasName);
  const inits = [makeTensor(qName, DataType.INT32, tensor.dims, q), makeTensor(sName, DataType.FLOAT, dims, scale), makeTensor(zName, DataType.INT32, dims, new Int32Array(scale.length))];
  graph.initializer.push(...inits);
  const dq = makeNode('DequantizeLinear', [qName, sName, zName], [biasName], names.fresh(`${biasName}_DequantizeLinear`), perChannel ? { axis: 0 } : {});
  return {
    node: dq,
    change: {
      name: biasName, shapeBefore: [...tensor.dims], shapeAfter: [...tensor.dims], bytesBefore: tensorByteLength(tensor),
      bytesAfter: inits.reduce((n, i) => n + tensorByteLength(i), 0), detail: { dtype: 'int32', role: 'bias', op: node.op_type ?? '' },
    },
  };
}

quantizeStaticInt8 satisfies Pass<QuantizeStaticInt8Options>;
