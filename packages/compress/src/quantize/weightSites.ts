// Where the weights are: nodes of one graph whose weight input is a float initializer of that graph the passes may
// quantize, with the axis that holds the output channels (the axis per-channel scales run along).
import { DataType, elementCount, indexGraph, type Graph, type Node, type Tensor } from '@pare/onnx';
import { nameFilter } from '../prune/nameFilter';
import { intAttr } from './graphEdit';

export type WeightOp = 'MatMul' | 'Gemm' | 'Conv' | 'ConvTranspose' | 'Gather' | 'LSTM' | 'GRU' | 'RNN';

/** Recurrent ops carry two weights: W (input) and R (recurrence), both [directions, gates·hidden, …]. */
const RECURRENT = new Set<WeightOp>(['LSTM', 'GRU', 'RNN']);

export interface WeightSite {
  node: Node;
  op: WeightOp;
  /** Which input of the node the weight is. */
  inputIndex: number;
  tensor: Tensor;
  /** Output-channel axis of the stored tensor: MatMul B [K,N] → 1, Gemm transB → 0, Conv W [M,C,kh,kw] → 0, Gather rows → 0, LSTM W/R [D,4H,·] → 1. */
  channelAxis: number;
}

export interface SiteSelection {
  ops: readonly WeightOp[];
  /** Node names, weight names or output names to leave in fp32; `*` matches any run of characters. */
  exclude?: readonly string[];
  /** Tensors with fewer elements stay fp32: their bytes do not matter and their error does. */
  minElements?: number;
  /**
   * Nodes of subgraphs (If/Loop bodies) to consider too, for weights that are initializers of the main graph
   * read from the outer scope (Silero VAD keeps its conv weights so). Only forms that keep the weight's name
   * (DequantizeLinear in the main graph) may use this: the subgraph nodes themselves are not rewritten.
   */
  subgraphNodes?: readonly Node[];
}

export const DEFAULT_MIN_ELEMENTS = 256;

/** The weight sites of a graph (the main graph or an If/Loop/Scan body), and the candidates passed over with the reason. */
export function findWeightSites(graph: Graph, selection: SiteSelection): { sites: WeightSite[]; skipped: Array<{ name: string; reason: string }> } {
  const index = indexGraph(graph);
  const excluded = nameFilter(selection.exclude);
  const minElements = selection.minElements ?? DEFAULT_MIN_ELEMENTS;
  const sites: WeightSite[] = [];
  const skipped: Array<{ name: string; reason: string }> = [];
  const seen = new Set<string>();
  for (const node of [...graph.node, ...(selection.subgraphNodes ?? [])]) {
    const op = node.op_type as WeightOp;
    if ((node.domain ?? '') !== '' || !selection.ops.includes(op)) continue;
    for (const inputIndex of RECURRENT.has(op) ? [1, 2] : [op === 'Gather' ? 0 : 1]) {
      const site = siteAt(node, op, inputIndex);
      if (site) sites.push(site);
    }
  }
  return { sites, skipped };

  function siteAt(node: Node, op: WeightOp, inputIndex: number): WeightSite | undefined {
    const name = node.input[inputIndex];
    const tensor = name ? index.initializer.get(name) : undefined;
    if (!name || !tensor) return undefined;
    const label = name;
    const hit = excluded(name, node.name, ...node.output);
    if (hit) {
      skipped.push({ name: label, reason: `excluded by "${hit}"` });
      return undefined;
    }
    if (tensor.data_type !== DataType.FLOAT) {
      if (!seen.has(name)) skipped.push({ name: label, reason: `element type ${tensor.data_type} is not float32` });
      seen.add(name);
      return undefined;
    }
    if (elementCount(tensor.dims) < minElements) {
      if (!seen.has(name)) skipped.push({ name: label, reason: `small tensor (${elementCount(tensor.dims)} < ${minElements} elements)` });
      seen.add(name);
      return undefined;
    }
    const axis = channelAxisOf(node, op, tensor);
    if (typeof axis === 'string') {
      skipped.push({ name: label, reason: axis });
      return undefined;
    }
    return { node, op, inputIndex, tensor, channelAxis: axis };
  }
}

function channelAxisOf(node: Node, op: WeightOp, tensor: Tensor): number | string {
  const rank = tensor.dims.length;
  switch (op) {
    case 'MatMul':
      // A [..,K] x B [K,N]: one scale per column N. Batched constant B (rank > 2) is rare; leave it.
      return rank === 2 ? 1 : `MatMul weight of rank ${rank} (only 2-D weights are quantized)`;
    case 'Gemm':
      if (rank !== 2) return `Gemm weight of rank ${rank}`;
      return intAttr(node, 'transB', 0) ? 0 : 1;
    case 'Conv':
      return rank >= 3 ? 0 : `Conv weight of rank ${rank}`;
    case 'ConvTranspose':
      // W [C_in, C_out/group, k…]: output channels are axis 1.
      return rank >= 3 ? 1 : `ConvTranspose weight of rank ${rank}`;
    case 'LSTM': case 'GRU': case 'RNN':
      // W [D, gates·H, input], R [D, gates·H, H]: one scale per gate row.
      return rank === 3 ? 1 : `${op} weight of rank ${rank}`;
    case 'Gather': {
      const axis = intAttr(node, 'axis', 0);
      return axis === 0 && rank === 2 ? 0 : `Gather on axis ${axis} of a rank-${rank} table (only row lookups of 2-D tables are quantized)`;
    }
  }
}
