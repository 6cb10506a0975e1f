// Fold inference BatchNormalization into the Conv before it (W' = W·γ/√(σ²+ε) per output channel,
// b' = (b − μ)·γ/√(σ²+ε) + β). onnxruntime does this itself for fp32 weights, but not once the weights sit
// behind DequantizeLinear or the Conv output behind QuantizeLinear: unfolded, every BN stays a separate pass
// over the activations (PP-OCR cls ran about 3x slower than fp32 in wasm before this) and the int8 scales are
// chosen for the wrong (pre-BN) weights.
import { DataType, indexGraph, makeTensor, outerNamesUsedBySubgraphs, readTensorAsFloat32, type Graph } from '@pare/onnx';
import { floatAttr, intAttr, type NameAllocator } from './graphEdit';

/** Mutates `graph` (the pass's own copy). Returns how many BatchNormalization nodes were folded. */
export function foldBatchNorm(graph: Graph, names: NameAllocator): number {
  let folded = 0;
  const index = indexGraph(graph);
  const removed = new Set<object>();
  const paramNames = new Set<string>();
  for (const bn of graph.node) {
    if (bn.op_type !== 'BatchNormalization' || (bn.domain ?? '') !== '' || intAttr(bn, 'training_mode', 0) !== 0) continue;
    if (bn.output.slice(1).some((o) => o)) continue; // running statistics requested: a training graph
    const x = bn.input[0]!;
    const conv = index.producer.get(x);
    if (!conv || conv.op_type !== 'Conv' || (conv.domain ?? '') !== '') continue;
    if ((index.consumers.get(x) ?? []).length !== 1 || index.graphOutputs.has(x)) continue;
    const w = index.initializer.get(conv.input[1] ?? '');
    const b = conv.input[2] ? index.initializer.get(conv.input[2]) : undefined;
    const params = bn.input.slice(1, 5).map((n) => index.initializer.get(n));
    if (!w || w.data_type !== DataType.FLOAT || (conv.input[2] && !b) || params.some((p) => !p || p.data_type !== DataType.FLOAT)) continue;
    // The weight (and bias) must belong to this Conv alone: they are rewritten in place.
    if ((index.consumers.get(w.name!) ?? []).length !== 1 || (b && (index.consumers.get(b.name!) ?? []).length !== 1)) continue;
    const [gamma, beta, mean, variance] = params.map((p) => readTensorAsFloat32(p!)) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const eps = floatAttr(bn, 'epsilon', 1e-5);
    const m = w.dims[0]!;
    if (gamma.length !== m) continue;
    const weights = readTensorAsFloat32(w);
    const per = weights.length / m;
    const bias = b ? readTensorAsFloat32(b) : new Float32Array(m);
    const newBias = new Float32Array(m);
    for (let c = 0; c < m; c++) {
      const k = gamma[c]! / Math.sqrt(variance[c]! + eps);
      for (let i = c * per; i < (c + 1) * per; i++) weights[i] = weights[i]! * k;
      newBias[c] = (bias[c]! - mean[c]!) * k + beta[c]!;
    }
    replaceInitializer(graph, w.name!, makeTensor(w.name!, DataType.FLOAT, w.dims, weights));
    const biasName = b ? b.name! : names.fresh(`${w.name}_bn_bias`);
    if (b) replaceInitializer(graph, biasName, makeTensor(biasName, DataType.FLOAT, [m], newBias));
    else graph.initializer.push(makeTensor(biasName, DataType.FLOAT, [m], newBias));
    conv.input = [conv.input[0]!, w.name!, biasName];
    conv.output = [bn.output[0]!];
    removed.add(bn);
    bn.input.slice(1, 5).forEach((n) => paramNames.add(n));
    folded++;
  }
  graph.node = graph.node.filter((n) => !removed.has(n));
  // The folded BN parameters, unless something else (a subgraph too) still reads them.
  const used = new Set(graph.node.flatMap((n) => [...n.input, ...outerNamesUsedBySubgraphs(n)]));
  graph.initializer = graph.initializer.filter((t) => !paramNames.has(t.name ?? '') || used.has(t.name ?? ''));
  return folded;
}

function replaceInitializer(graph: Graph, name: string, tensor: ReturnType<typeof makeTensor>): void {
  const i = graph.initializer.findIndex((t) => t.name === name);
  graph.initializer[i] = tensor;
}
