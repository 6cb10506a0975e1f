// Rewrites one MatMul or Gemm with a constant weight into a dynamically quantized form. Gemm is lowered to
// MatMul semantics here: transB is applied to the stored weight, alpha folded into it, beta into the bias,
// so every form only has to express Y = A · W [+ bias].
import { DataType, indexGraph, makeTensor, readTensorAsFloat32, type Graph, type Node, type Tensor } from '@pare/onnx';
import type { TensorChange } from '../passReport';
import { floatAttr, intAttr, makeNode, type NameAllocator } from './graphEdit';
import { quantizeTensor } from './dequantizedWeight';
import { columnShift, meanKey, type ChannelMeans } from './biasCorrection';
import { dequantize } from './quantMath';
import type { WeightSite } from './weightSites';

/**
 * - `matmul-integer`: DynamicQuantizeLinear → MatMulInteger → Cast → Mul(scale) [→ Add bias] (standard ops, opset 11).
 * - `dynamic-quantize-matmul`: com.microsoft DynamicQuantizeMatMul (one contrib op carrying the bias; any opset).
 * - `weight-only`: int8 weight → DequantizeLinear → the original MatMul/Gemm; activations stay fp32.
 * - `matmul-nbits`: com.microsoft MatMulNBits with bits=8, one scale per block of K (matMulNBits.ts).
 */
export type DynamicForm = 'matmul-integer' | 'dynamic-quantize-matmul' | 'weight-only' | 'matmul-nbits';

export interface RewriteResult {
  nodes: Node[];
  initializers: Tensor[];
  change: TensorChange;
  /** Nodes absorbed by the rewrite (a bias Add folded into the quantized op). */
  removed?: Node[];
}

/** Shared state of one pass run: names, and DynamicQuantizeLinear outputs reused when one activation feeds several MatMuls. */
export interface RewriteContext {
  graph: Graph;
  names: NameAllocator;
  perChannel: boolean;
  quantizedActivations: Map<string, [string, string, string]>;
  /** Channel means of the MatMul inputs (biasCorrectionTargets): the weights' expected output shift goes into the bias. */
  inputMeans?: ChannelMeans;
  /** Store the weights as uint8 with zero point 128 (integerWeights below) instead of int8. */
  unsignedWeights: boolean;
}

/** Why a site cannot be rewritten, or undefined when it can. */
export function dynamicBlocker(site: WeightSite): string | undefined {
  if (site.op === 'Gemm' && intAttr(site.node, 'transA', 0)) return 'Gemm with transA=1 is left in fp32';
  return undefined;
}

export function rewriteDynamic(site: WeightSite, form: 'matmul-integer' | 'dynamic-quantize-matmul', ctx: RewriteContext): RewriteResult {
  const { node } = site;
  const isGemm = site.op === 'Gemm';
  const [K, N] = isGemm && intAttr(node, 'transB', 0) ? [site.tensor.dims[1]!, site.tensor.dims[0]!] : [site.tensor.dims[0]!, site.tensor.dims[1]!];
  let w = readTensorAsFloat32(site.tensor);
  if (isGemm && intAttr(node, 'transB', 0)) w = transpose(w, N, K);
  const alpha = isGemm ? floatAttr(node, 'alpha', 1) : 1;
  if (alpha !== 1) w = w.map((v) => v * alpha);
  const qt = quantizeTensor(site.tensor, w, [K, N], { axis: ctx.perChannel ? 1 : undefined, symmetric: true }, ctx.names);
  const [signedQ, weightScale] = qt.initializers as [Tensor, Tensor];
  const weights = integerWeights(signedQ, weightScale, qt.q as Int8Array, ctx);
  const initializers: Tensor[] = [weights.tensor, weightScale, ...(weights.zeroPoint ? [weights.zeroPoint] : [])];
  const folded = form === 'dynamic-quantize-matmul' && !isGemm ? followingBiasAdd(node, N, ctx) : undefined;
  let bias = isGemm ? gemmBias(node, N, ctx) : folded?.bias;
  const a = node.input[0]!;
  const means = ctx.inputMeans?.[meanKey(a, 'last')];
  const shift = means ? columnShift(w, dequantize(qt.q, [K, N], qt.params), K, N, means) : undefined;
  let corrected = false;
  if (shift && (!bias || (bias.vector && bias.tensor))) {
    // Bias correction (biasCorrection.ts): subtract the rounded weights' expected shift from the bias vector, or add one.
    const values = bias?.tensor ? readTensorAsFloat32(bias.tensor).map((v, i) => v - shift[i]!) : shift.map((s) => -s);
    const name = bias?.name ?? ctx.names.fresh(`${site.tensor.name}_bias_correction`);
    bias = { name, vector: true, tensor: makeTensor(name, DataType.FLOAT, [N], values) };
    corrected = true;
  }
  if (bias?.tensor) initializers.push(bias.tensor);
  // A folded MatMul → Add(bias) is written as one DynamicQuantizeMatMul producing the Add's output.
  const y = folded ? folded.add.output[0]! : node.output[0]!;
  const base = node.name || y;
  const nodes: Node[] = [];
  // When a bias vector exists the core op writes to a temporary and the Add produces the original output.
  const needsAdd = bias !== undefined && !(form === 'dynamic-quantize-matmul' && bias.vector);
  const coreOut = needsAdd ? ctx.names.fresh(`${y}_matmul`) : y;
  if (form === 'dynamic-quantize-matmul') {
    const inputs = [a, qt.names.quantized, qt.names.scale];
    if (weights.zeroPoint || bias?.vector) inputs.push(weights.zeroPoint ? weights.zeroPoint.name! : '');
    if (bias?.vector) inputs.push(bias.name);
    nodes.push(makeNode('DynamicQuantizeMatMul', inputs, [coreOut], ctx.names.fresh(`${base}_DynamicQuantizeMatMul`), {}, 'com.microsoft'));
  } else {
    const [aq, aScale, aZp] = quantizedActivation(a, nodes, ctx);
    const acc = ctx.names.fresh(`${y}_int32`);
    // Symmetric int8 weights have zero point 0, so MatMulInteger's optional b_zero_point is given only for uint8 ones.
    nodes.push(makeNode('MatMulInteger', [aq, qt.names.quantized, aZp, ...(weights.zeroPoint ? [weights.zeroPoint.name!] : [])], [acc], ctx.names.fresh(`${base}_MatMulInteger`)));
    const accF = ctx.names.fresh(`${y}_int32_float`);
    nodes.push(makeNode('Cast', [acc], [accF], ctx.names.fresh(`${base}_Cast`), { to: DataType.FLOAT }));
    const scale = ctx.names.fresh(`${y}_scale`);
    nodes.push(makeNode('Mul', [aScale, qt.names.scale], [scale], ctx.names.fresh(`${base}_scale_Mul`)));
    nodes.push(makeNode('Mul', [accF, scale], [coreOut], ctx.names.fresh(`${base}_rescale_Mul`)));
  }
  if (needsAdd) nodes.push(makeNode('Add', [coreOut, bias!.name], [y], ctx.names.fresh(`${base}_bias_Add`)));
  const stored: Record<string, string | number> = weights.zeroPoint ? { dtype: 'uint8', zeroPoint: 128 } : {};
  const change = { ...qt.change, detail: { ...qt.change.detail, ...stored, op: site.op, form, ...(folded ? { biasFolded: true } : {}), ...(corrected ? { biasCorrection: 'folded into the bias' } : {}) } };
  change.bytesAfter = [weights.tensor, weightScale, weights.zeroPoint].reduce((n, t) => n + (t?.raw_data?.byteLength ?? 0), 0);
  return { nodes, initializers, change, removed: folded ? [folded.add] : [] };
}

/**
 * The symmetric int8 weights as the integer kernels read them. With `unsignedWeights` they are stored as uint8
 * q + 128 with zero point 128 (the same values): onnxruntime-node's u8 × s8 kernels on x86 CPUs without VNNI
 * clamp pairs of products to int16 (docs/platform.md), its u8 × u8 kernels widen first and stay exact.
 */
function integerWeights(signed: Tensor, scale: Tensor, q: Int8Array, ctx: RewriteContext): { tensor: Tensor; zeroPoint?: Tensor } {
  if (!ctx.unsignedWeights) return { tensor: signed };
  const tensor = makeTensor(signed.name!, DataType.UINT8, signed.dims, Uint8Array.from(q, (v) => v + 128));
  const count = scale.dims.reduce((a, b) => a * Number(b), 1);
  const zeroPoint = makeTensor(ctx.names.fresh(`${signed.name}_zero_point`), DataType.UINT8, scale.dims, new Uint8Array(count).fill(128));
  return { tensor, zeroPoint };
}

/**
 * MatMul whose only reader is Add(·, constant [N]): exporters write Linear layers this way. onnxruntime's own
 * fusion folds that Add into DynamicQuantizeMatMul's bias for the MatMulInteger pattern; the contrib form has to
 * do it here or the Add stays a separate pass over the output.
 */
function followingBiasAdd(node: Node, n: number, ctx: RewriteContext): { add: Node; bias: { name: string; vector: true; tensor: Tensor } } | undefined {
  const y = node.output[0]!;
  const index = indexGraph(ctx.graph);
  const readers = index.consumers.get(y) ?? [];
  if (readers.length !== 1 || index.graphOutputs.has(y)) return undefined;
  const add = readers[0]!;
  if (add.op_type !== 'Add' || (add.domain ?? '') !== '' || add.input.length !== 2) return undefined;
  const other = add.input[0] === y ? add.input[1]! : add.input[0]!;
  const init = index.initializer.get(other);
  if (!init || init.data_type !== DataType.FLOAT || init.dims.length !== 1 || init.dims[0] !== n) return undefined;
  const name = ctx.names.fresh(`${other}_bias`);
  return { add, bias: { name, vector: true, tensor: makeTensor(name, DataType.FLOAT, [n], readTensorAsFloat32(init)) } };
}

/** DynamicQuantizeLinear of an activation, emitted once per activation however many MatMuls read it. */
function quantizedActivation(a: string, nodes: Node[], ctx: RewriteContext): [string, string, string] {
  const cached = ctx.quantizedActivations.get(a);
  if (cached) return cached;
  const outs: [string, string, string] = [ctx.names.fresh(`${a}_quantized`), ctx.names.fresh(`${a}_scale`), ctx.names.fresh(`${a}_zero_point`)];
  nodes.push(makeNode('DynamicQuantizeLinear', [a], outs, ctx.names.fresh(`${a}_DynamicQuantizeLinear`)));
  ctx.quantizedActivations.set(a, outs);
  return outs;
}

/**
 * Gemm's C, scaled by beta. A constant [N] or [1,N] C becomes a bias vector (DynamicQuantizeMatMul takes it as an
 * input); any other C (a runtime value, or [M,N]) is added after the product, multiplied by beta when beta ≠ 1.
 */
function gemmBias(node: Node, n: number, ctx: RewriteContext): { name: string; vector: boolean; tensor?: Tensor } | undefined {
  const c = node.input[2];
  if (!c) return undefined;
  const beta = floatAttr(node, 'beta', 1);
  const init = indexGraph(ctx.graph).initializer.get(c);
  if (init && init.data_type === DataType.FLOAT) {
    const values = readTensorAsFloat32(init).map((v) => v * beta);
    const vector = values.length === n && (init.dims.length === 1 || (init.dims.length === 2 && init.dims[0] === 1));
    const name = ctx.names.fresh(`${c}_bias`);
    return { name, vector, tensor: makeTensor(name, DataType.FLOAT, vector ? [n] : init.dims, values) };
  }
  if (beta === 1) return { name: c, vector: false };
  const betaName = ctx.names.fresh(`${c}_beta`);
  const scaled = ctx.names.fresh(`${c}_scaled`);
  ctx.graph.initializer.push(makeTensor(betaName, DataType.FLOAT, [], [beta]));
  // Placed by the caller before the Add (it is returned through the graph, not the node list, so insert here).
  ctx.graph.node.splice(ctx.graph.node.indexOf(node), 0, makeNode('Mul', [c, betaName], [scaled], ctx.names.fresh(`${c}_beta_Mul`)));
  return { name: scaled, vector: false };
}

function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  // w is [rows=N, cols=K] row-major; the result is [K, N].
  const out = new Float32Array(w.length);
  // Running indices, no multiply per element: this often runs before the JIT has optimized it.
  let src = 0;
  for (let r = 0; r < rows; r++) for (let c = 0, dst = r; c < cols; c++, dst += rows) out[dst] = w[src++]!;
  return out;
}
