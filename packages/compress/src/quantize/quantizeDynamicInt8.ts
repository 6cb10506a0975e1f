// Dynamic int8 quantization of MatMul/Gemm weights (symmetric int8, activations quantized to uint8 at run
// time) and of embedding tables. The emitted form is selectable; the default is the one measured fastest in
// onnxruntime-web's wasm build (bench-results/quantize-forms.md).
import { PareError } from '@pare/errors';
import { allGraphs, constantsToInitializers, outerNamesUsedBySubgraphs, type Graph, type Model, type Tensor } from '@pare/onnx';
import type { Pass, PassReport, PassResult } from '../passReport';
import { dequantizedWeight } from './dequantizedWeight';
import { dynamicBlocker, rewriteDynamic, type DynamicForm, type RewriteContext } from './dynamicMatMul';
import { rewriteEmbedding, type QuantizedTables } from './embeddingInt8';
import { rewriteNBits } from './matMulNBits';
import { dropUnusedInitializers, importDomain, NameAllocator, prependNodes, removeInitializer, replaceNode, requireOpset } from './graphEdit';
import { subgraphNote } from './subgraphNote';
import { shareIdenticalInitializers } from './shareIdenticalInitializers';
import { findWeightSites, type WeightOp } from './weightSites';
import type { ChannelMeans } from './biasCorrection';

const RECURRENT: WeightOp[] = ['LSTM', 'GRU', 'RNN'];

export interface QuantizeDynamicInt8Options {
  /** One scale per output column (MatMul/Gemm) or per row (embeddings). Default true. */
  perChannel?: boolean;
  /** Node, weight or output names to leave in fp32. */
  exclude?: string[];
  /** How the quantized MatMul is written (default: the fastest measured in ORT-web wasm). */
  form?: DynamicForm;
  /** Quantize embedding tables (Gather on a constant table). Default true. */
  embeddings?: boolean;
  /** Weights with fewer elements stay fp32 (default 256). */
  minElements?: number;
  /** Form `matmul-nbits` only: block length along K (default 128) and MatMulNBits accuracy_level (default 4). */
  blockSize?: number;
  accuracyLevel?: number;
  /** Channel means of the MatMul/Gemm inputs (biasCorrectionTargets): forms with a bias take out the weights' expected output shift. */
  inputMeans?: ChannelMeans;
  /**
   * Forms `dynamic-quantize-matmul` and `matmul-integer`: weights stored as uint8 with zero point 128 (default
   * true), which onnxruntime-node computes exactly on every x86 CPU; false: int8, which it clamps on CPUs without VNNI.
   */
  unsignedWeights?: boolean;
}

export const DEFAULT_DYNAMIC_FORM: DynamicForm = 'dynamic-quantize-matmul';
const FORMS: DynamicForm[] = ['matmul-integer', 'dynamic-quantize-matmul', 'weight-only', 'matmul-nbits'];

export function quantizeDynamicInt8(model: Model, options: QuantizeDynamicInt8Options = {}): PassResult {
  const perChannel = options.perChannel ?? true;
  const unsignedWeights = options.unsignedWeights ?? true;
  const form = options.form ?? DEFAULT_DYNAMIC_FORM;
  if (!FORMS.includes(form)) throw new PareError('option_invalid', `Unknown form "${form}"; expected one of ${FORMS.join(', ')}.`);
  const blockSize = options.blockSize ?? 128;
  if (!(blockSize >= 16 && (blockSize & (blockSize - 1)) === 0)) throw new PareError('option_invalid', `blockSize must be a power of two ≥ 16; got ${blockSize}.`);
  if (form === 'matmul-integer') requireOpset(model, 11, 'DynamicQuantizeLinear + MatMulInteger (form "matmul-integer")');
  if (form === 'weight-only') requireOpset(model, perChannel ? 13 : 10, perChannel ? 'Per-channel DequantizeLinear (form "weight-only")' : 'DequantizeLinear (form "weight-only")');

  const { model: out, report: moved } = constantsToInitializers(model, { subgraphs: true });
  const report: PassReport = {
    pass: 'quantizeDynamicInt8', options: { perChannel, form, exclude: options.exclude ?? [], embeddings: options.embeddings ?? true, minElements: options.minElements, unsignedWeights },
    tensors: [], skipped: [], notes: [],
  };
  if (moved.moved.length) report.notes.push(`${moved.moved.length} Constant-node weights moved to initializers first.`);
  const names = new NameAllocator(out);
  // Every graph, If/Loop/Scan bodies included; recurrent weights (no dynamic kernel) go weight-only int8.
  let inBodies = 0;
  for (const { graph, path, depth } of allGraphs(out)) {
    const before = report.tensors.length;
    // Means are measured on the main graph's values only.
    quantizeGraph(graph, { ...options, perChannel, form, unsignedWeights, inputMeans: depth === 0 ? options.inputMeans : undefined }, names, report);
    if (depth > 0) for (const t of report.tensors.slice(before)) t.detail = { ...t.detail, graph: path };
    if (depth > 0) inBodies += report.tensors.length - before;
  }
  if ((form === 'dynamic-quantize-matmul' || form === 'matmul-nbits') && report.tensors.some((t) => t.detail?.form === form)) importDomain(out, 'com.microsoft', 1);
  const corrected = report.tensors.filter((t) => t.detail?.biasCorrection).length;
  if (corrected) report.notes.push(`Bias correction: ${corrected} node(s) had their weights' expected output shift (from measured input means) removed from the bias.`);
  const note = subgraphNote(out, inBodies);
  if (note) report.notes.push(note);
  return { model: out, report };
}

function quantizeGraph(graph: Graph, options: QuantizeDynamicInt8Options & { perChannel: boolean; form: DynamicForm; unsignedWeights: boolean }, names: NameAllocator, report: PassReport): void {
  const { perChannel, form } = options;
  const ops = options.embeddings === false ? (['MatMul', 'Gemm', ...RECURRENT] as const) : (['MatMul', 'Gemm', 'Gather', ...RECURRENT] as const);
  const { sites, skipped } = findWeightSites(graph, { ops, exclude: options.exclude, minElements: options.minElements });
  report.skipped.push(...skipped);
  const ctx: RewriteContext = { graph, names, perChannel, quantizedActivations: new Map(), unsignedWeights: options.unsignedWeights, ...(options.inputMeans ? { inputMeans: options.inputMeans } : {}) };
  const replaced = new Set<string>();
  const quantizedTables: QuantizedTables = new Map();
  const added: Tensor[] = [];
  const dqNodes = [];
  for (const site of sites) {
    const name = site.tensor.name!;
    if (site.op === 'Gather') {
      // A table several Gathers read is stored int8 once (embeddingInt8.ts) and reported once.
      const r = rewriteEmbedding(site, perChannel, names, quantizedTables);
      replaceNode(graph, site.node, r.nodes);
      graph.initializer.push(...r.initializers);
      added.push(...r.initializers);
      if (!replaced.has(name)) report.tensors.push(r.change);
      replaced.add(name);
      continue;
    }
    const blocker = dynamicBlocker(site);
    if (blocker) { report.skipped.push({ name, reason: blocker }); continue; }
    if (form === 'weight-only' || RECURRENT.includes(site.op)) {
      if (replaced.has(name)) continue;
      const { node, change } = dequantizedWeight(graph, site.tensor, { axis: perChannel ? site.channelAxis : undefined, symmetric: true }, names);
      change.detail = { ...change.detail, op: site.op, form: 'weight-only' };
      dqNodes.push(node);
      report.tensors.push(change);
      replaced.add(name);
      continue;
    }
    const r = form === 'matmul-nbits'
      ? rewriteNBits(site, { bits: 8, blockSize: options.blockSize ?? 128, accuracyLevel: options.accuracyLevel ?? 4 }, names)
      : rewriteDynamic(site, form, ctx);
    replaceNode(graph, site.node, r.nodes);
    for (const gone of r.removed ?? []) graph.node.splice(graph.node.indexOf(gone), 1);
    graph.initializer.push(...r.initializers);
    added.push(...r.initializers);
    report.tensors.push(r.change);
    replaced.add(name);
  }
  const merged = shareIdenticalInitializers(graph, added);
  if (merged) report.notes.push(`${merged} duplicate quantized tensors of weights read by several nodes merged into one each.`);
  prependNodes(graph, dqNodes);
  dropUnused(graph, replaced, report);
  // Bias vectors folded into DynamicQuantizeMatMul leave their original initializer unread.
  dropUnusedInitializers(graph);
}

/** Originals still read by a node the pass did not rewrite (a shared weight) stay; the rest go. */
function dropUnused(graph: Graph, replaced: Set<string>, report: PassReport): void {
  const used = new Set<string>(graph.output.map((o) => o.name ?? ''));
  for (const n of graph.node) for (const i of [...n.input, ...outerNamesUsedBySubgraphs(n)]) used.add(i);
  const produced = new Set(graph.node.flatMap((n) => n.output));
  for (const name of replaced) {
    if (produced.has(name)) continue; // weight-only: the DequantizeLinear now produces this name
    if (used.has(name)) report.notes.push(`"${name}" is also read by nodes that were not rewritten; its fp32 copy stays.`);
    else removeInitializer(graph, name);
  }
}

quantizeDynamicInt8 satisfies Pass<QuantizeDynamicInt8Options>;
