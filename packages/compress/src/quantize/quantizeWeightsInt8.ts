// Weight-only int8: weights stored int8 behind DequantizeLinear, activations left in fp32. It buys the int8
// file size without the activation error that costs most fidelity on conv and OCR models (docs/platform.md).
// Every graph is quantized, If/Loop/Scan bodies included (Silero VAD keeps its LSTM weights there).
import { allGraphs, indexGraph, type Graph, type Model } from '@pare/onnx';
import type { Pass, PassReport, PassResult, TensorChange } from '../passReport';
import { dequantizedWeight, type Symmetry } from './dequantizedWeight';
import { dropUnusedInitializers, prependNodes, removeInitializer, replaceNode, requireOpset, type NameAllocator } from './graphEdit';
import { rewriteEmbedding, type QuantizedTables } from './embeddingInt8';
import { startQuantization } from './quantizationStart';
import { subgraphNote } from './subgraphNote';
import { correctBias, meanAxisOf, meanKey, type ChannelMeans } from './biasCorrection';
import { findWeightSites, type WeightOp, type WeightSite } from './weightSites';

export interface QuantizeWeightsInt8Options {
  /** One scale (and zero point) per output channel; needs opset 13. Default true. */
  perChannel?: boolean;
  /**
   * Zero point fixed at 0 (true), one zero point per channel (false), or per tensor by measure ('auto', the
   * default): symmetric for pruned tensors (zeros stay 0x00 bytes, which gzip packs) and wherever asymmetric
   * scales do not cut the weight error by a fifth; asymmetric for skewed layers, where it halves the error.
   */
  symmetric?: Symmetry;
  /** Node, weight or output names to leave in fp32. */
  exclude?: string[];
  /** Fold inference BatchNormalization into the preceding Conv first (default true): keeps the Conv fusable. */
  foldBatchNorm?: boolean;
  /**
   * Weights with fewer elements stay fp32 (default 64, below the 256 of the other passes: with activations in fp32
   * the small depthwise kernels cost no fidelity measurably — PP-OCRv4 det cosine 0.9818 vs 0.9816 — and
   * their fp32 bytes are most of what keeps a small conv model above a quarter of its size).
   */
  minElements?: number;
  /** Operators whose weights are quantized (default MatMul, Gemm, Conv, ConvTranspose, Gather, LSTM, GRU, RNN). */
  ops?: WeightOp[];
  /**
   * Channel means of the weighted nodes' inputs (biasCorrectionTargets, measured by running the model): when
   * given, each Conv/ConvTranspose/Gemm/MatMul of the main graph has its weights' expected output shift removed
   * from its bias (biasCorrection.ts).
   */
  inputMeans?: ChannelMeans;
}

const DEFAULT_OPS: WeightOp[] = ['MatMul', 'Gemm', 'Conv', 'ConvTranspose', 'Gather', 'LSTM', 'GRU', 'RNN'];
const WEIGHT_ONLY_MIN_ELEMENTS = 64;

export function quantizeWeightsInt8(model: Model, options: QuantizeWeightsInt8Options = {}): PassResult {
  const perChannel = options.perChannel ?? true;
  const symmetric = options.symmetric ?? 'auto';
  const minElements = options.minElements ?? WEIGHT_ONLY_MIN_ELEMENTS;
  const ops = options.ops ?? DEFAULT_OPS;
  requireOpset(model, perChannel ? 13 : 10, perChannel ? 'Per-channel DequantizeLinear (weight-only int8)' : 'DequantizeLinear (weight-only int8)');
  // constantsToInitializers copies the model: everything below edits that copy, never the caller's model.
  const { model: out, report, names } = startQuantization(model, 'quantizeWeightsInt8', { perChannel, symmetric, exclude: options.exclude ?? [], minElements, ops, biasCorrection: options.inputMeans !== undefined }, { foldBatchNorm: options.foldBatchNorm ?? true, subgraphs: true });
  const graphs = allGraphs(out);
  let inBodies = 0;
  for (const { graph, path, depth } of graphs) {
    // Nodes of the bodies nested in this graph count as readers of its weights: the DequantizeLinear sits in this
    // graph and the If/Loop bodies read its output by the weight's own name, as they read the initializer before.
    const nested = graphs.filter((g) => g.path.startsWith(`${path}/`)).flatMap((g) => g.graph.node);
    const { sites, skipped } = findWeightSites(graph, { ops, exclude: options.exclude, minElements, subgraphNodes: nested });
    report.skipped.push(...skipped);
    // Means are measured on the main graph's values only: bodies are quantized without correction.
    const changes = quantizeSites(graph, sites, { perChannel, symmetric, inputMeans: depth === 0 ? options.inputMeans : undefined }, names, report);
    if (depth > 0) for (const c of changes) c.detail = { ...c.detail, graph: path };
    if (depth > 0) inBodies += changes.length;
  }
  const note = subgraphNote(out, inBodies);
  if (note) report.notes.push(note);
  return { model: out, report };
}

/** Weight-only int8 for the sites of one graph; returns the report entries it added. */
function quantizeSites(graph: Graph, sites: WeightSite[], options: { perChannel: boolean; symmetric: Symmetry; inputMeans?: ChannelMeans }, names: NameAllocator, report: PassReport): TensorChange[] {
  const { perChannel, symmetric, inputMeans } = options;
  const quantized = new Map<string, { original: Float32Array; restored: Float32Array; change: TensorChange }>();
  const corrections: Array<{ site: WeightSite; means: Float32Array }> = [];
  const changes: TensorChange[] = [];
  const dqNodes = [];
  const done = new Set<string>();
  const tables = new Set<string>();
  const index = indexGraph(graph);
  const own = new Set(graph.node);
  const quantizedTables: QuantizedTables = new Map();
  for (const site of sites) {
    const name = site.tensor.name!;
    // Embedding tables read only by Gathers of this graph: gather the int8 rows, then dequantize those rows,
    // rather than dequantizing the whole table on every run (a DequantizeLinear before the Gather would).
    const readers = index.consumers.get(name) ?? [];
    // (Membership is checked against the graph's nodes before any rewrite: a table shared by several Gathers
    // keeps qualifying after its first Gather was replaced, and all of them read the one int8 table.)
    if (site.op === 'Gather' && own.has(site.node) && readers.every((n) => n.op_type === 'Gather' && own.has(n)) && !index.graphOutputs.has(name)) {
      const r = rewriteEmbedding(site, perChannel, names, quantizedTables);
      replaceNode(graph, site.node, r.nodes);
      graph.initializer.push(...r.initializers);
      if (!done.has(name)) { done.add(name); tables.add(name); changes.push(r.change); }
      continue;
    }
    const means = inputMeans?.[meanKey(site.node.input[0] ?? '', meanAxisOf(site.op))];
    if (means && site.inputIndex === 1 && own.has(site.node)) corrections.push({ site, means });
    // A weight shared by several nodes is quantized once: its DequantizeLinear feeds them all.
    if (done.has(name)) continue;
    done.add(name);
    const { node, change, original, restored } = dequantizedWeight(graph, site.tensor, { axis: perChannel ? site.channelAxis : undefined, symmetric }, names);
    change.detail = { ...change.detail, op: site.op };
    // Kept whenever means exist: a later reader of this weight may have measured means where this one has none.
    if (inputMeans) quantized.set(name, { original, restored: restored(), change });
    dqNodes.push(node);
    changes.push(change);
  }
  // Each reader of a weight gets its own correction: the shift depends on that reader's input.
  let corrected = 0;
  for (const { site, means } of corrections) {
    const q = quantized.get(site.tensor.name!);
    if (!q) continue;
    const r = correctBias(graph, site.node, q.original, q.restored, site.tensor.dims.map(Number), means, names);
    if (!r) continue;
    corrected++;
    q.change.detail = { ...q.change.detail, biasCorrection: `${r.via === 'add' ? 'added after the MatMul' : 'folded into the bias'}, largest shift ${r.maxShift.toPrecision(3)}` };
  }
  prependNodes(graph, dqNodes);
  if (corrected) {
    dropUnusedInitializers(graph);
    report.notes.push(`Bias correction: ${corrected} node(s) had their weights' expected output shift (from measured input means) removed from the bias.`);
  }
  for (const t of tables) removeInitializer(graph, t);
  if (tables.size) report.notes.push(`${tables.size} embedding table(s) stored int8 with symmetric per-${perChannel ? 'row' : 'tensor'} scales (rows dequantized after the lookup).`);
  report.tensors.push(...changes);
  return changes;
}

quantizeWeightsInt8 satisfies Pass<QuantizeWeightsInt8Options>;
