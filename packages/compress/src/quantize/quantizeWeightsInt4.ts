// 4-bit block-wise weights: every MatMul/Gemm with a constant 2-D weight becomes com.microsoft MatMulNBits with
// bits=4 (onnxruntime-node and -web both have a kernel, so nothing is dequantized per run), in every graph, If/Loop
// bodies included. Embedding tables go 4-bit too (GatherBlockQuantized, a tied head with them: embeddingInt4.ts).
// The weights of other operators (Conv, LSTM, tables that cannot be packed) go weight-only int8
// (quantizeWeightsInt8), so the whole file shrinks. About 0.16 of fp32 MatMul bytes at block 32 symmetric, 0.13 at block 128.
import { PareError } from '@pare/errors';
import { allGraphs, outerNamesUsedBySubgraphs, type Graph, type Model, type Tensor } from '@pare/onnx';
import type { Pass, PassResult } from '../passReport';
import { importDomain, removeInitializer, replaceNode, requireOpset } from './graphEdit';
import { dynamicBlocker } from './dynamicMatMul';
import { rewriteNBits } from './matMulNBits';
import { findTables, rewriteTable } from './embeddingInt4';
import { quantizeWeightsInt8 } from './quantizeWeightsInt8';
import { startQuantization } from './quantizationStart';
import { DEFAULT_MIN_ELEMENTS, findWeightSites, type WeightOp } from './weightSites';
import { shareIdenticalInitializers } from './shareIdenticalInitializers';

export interface QuantizeWeightsInt4Options {
  /** Block length along K: a power of two from 16 to 256 (default 32). Smaller blocks: more scales, less error. */
  blockSize?: number;
  /** One zero point per block (default false: symmetric, no zero points stored). Helps skewed weights. */
  asymmetric?: boolean;
  /** MatMulNBits accuracy_level: 0 (default) keeps activations fp32; 4 quantizes them to int8 inside the kernel. */
  accuracyLevel?: number;
  /** Per-channel scales for the weights that go int8 (Conv, embeddings, LSTM; default true, needs opset 13). */
  perChannel?: boolean;
  /** Node, weight or output names to leave in fp32. */
  exclude?: string[];
  /** Weights with fewer elements stay fp32 (default 256 for MatMul weights; the int8 rest uses its own default). */
  minElements?: number;
  /**
   * Embedding tables (row lookups of a constant 2-D table): 4 (default) packs them like the MatMul weights, in
   * blocks of blockSize along the row, symmetric; 8 leaves them to the int8 rest (per-row scales).
   */
  embeddingBits?: 4 | 8;
}

export const DEFAULT_INT4_BLOCK_SIZE = 32;
const NBITS_OPS: WeightOp[] = ['MatMul', 'Gemm'];
const INT8_REST: WeightOp[] = ['Conv', 'ConvTranspose', 'Gather', 'LSTM', 'GRU', 'RNN'];

/** A MatMulNBits block length: a power of two in [16, 256]. */
export function checkBlockSize(blockSize: number): void {
  if (!(Number.isInteger(blockSize) && blockSize >= 16 && blockSize <= 256 && (blockSize & (blockSize - 1)) === 0)) {
    throw new PareError('option_invalid', `block size must be a power of two from 16 to 256 (32, 64, 128…); got ${blockSize}.`);
  }
}

export function quantizeWeightsInt4(model: Model, options: QuantizeWeightsInt4Options = {}): PassResult {
  const blockSize = options.blockSize ?? DEFAULT_INT4_BLOCK_SIZE;
  checkBlockSize(blockSize);
  const symmetric = !(options.asymmetric ?? false);
  const accuracyLevel = options.accuracyLevel ?? 0;
  const perChannel = options.perChannel ?? true;
  const embeddingBits = options.embeddingBits ?? 4;
  if (embeddingBits !== 4 && embeddingBits !== 8) throw new PareError('option_invalid', `embedding bits must be 4 or 8; got ${String(embeddingBits)}.`);
  requireOpset(model, perChannel ? 13 : 10, perChannel ? 'Per-channel DequantizeLinear (the int8 weights of int4-weights)' : 'DequantizeLinear (the int8 weights of int4-weights)');
  const { model: out, report, names } = startQuantization(model, 'quantizeWeightsInt4', { blockSize, symmetric, accuracyLevel, perChannel, embeddingBits, exclude: options.exclude ?? [], minElements: options.minElements }, { foldBatchNorm: true, subgraphs: true });
  let rewritten = 0;
  let tables = 0;
  for (const { graph, path, depth } of allGraphs(out)) {
    if (embeddingBits === 4) {
      // Tables first: a tied head's MatMul reads Transpose(table), which the MatMul search below would not see.
      const found = findTables(graph, { blockSize, exclude: options.exclude, minElements: options.minElements ?? DEFAULT_MIN_ELEMENTS });
      report.skipped.push(...found.skipped);
      for (const site of found.sites) {
        const change = rewriteTable(graph, site, blockSize, names);
        if (depth > 0) change.detail = { ...change.detail, graph: path };
        report.tensors.push(change);
        tables++;
      }
    }
    const { sites, skipped } = findWeightSites(graph, { ops: NBITS_OPS, exclude: options.exclude, minElements: options.minElements });
    report.skipped.push(...skipped);
    const added: Tensor[] = [];
    for (const site of sites) {
      const blocker = dynamicBlocker(site);
      if (blocker) { report.skipped.push({ name: site.tensor.name!, reason: blocker }); continue; }
      const r = rewriteNBits(site, { bits: 4, blockSize, accuracyLevel, symmetric }, names);
      replaceNode(graph, site.node, r.nodes);
      graph.initializer.push(...r.initializers);
      added.push(...r.initializers);
      if (depth > 0) r.change.detail = { ...r.change.detail, graph: path };
      report.tensors.push(r.change);
      rewritten++;
    }
    // A weight read by several MatMuls is packed once per reader, then the identical copies are merged; the fp32
    // original goes once none reads it.
    const merged = shareIdenticalInitializers(graph, added);
    if (merged) report.notes.push(`${merged} duplicate packed tensors of weights read by several MatMuls merged into one each.`);
    dropUnread(graph, sites.map((s) => s.tensor.name!));
  }
  if (rewritten || tables) importDomain(out, 'com.microsoft', 1);
  report.notes.push(`${rewritten} MatMul/Gemm weight(s) stored 4-bit (MatMulNBits, block ${blockSize}, ${symmetric ? 'symmetric' : 'asymmetric'}).`);
  if (tables) report.notes.push(`${tables} embedding table(s) stored 4-bit (GatherBlockQuantized, block ${blockSize} along the row, symmetric; a tied head reads the same bytes through MatMulNBits).`);
  // The rest: weight-only int8 (it re-reads the rewritten model; the 4-bit weights are no longer float, so it skips them).
  const rest = quantizeWeightsInt8(out, { perChannel, exclude: options.exclude, ops: INT8_REST, symmetric: symmetric ? 'auto' : false });
  report.tensors.push(...rest.report.tensors.map((t) => ({ ...t, detail: { ...t.detail, form: 'int8-weights' } })));
  report.skipped.push(...rest.report.skipped);
  report.notes.push(...rest.report.notes);
  return { model: rest.model, report };
}

function dropUnread(graph: Graph, names: string[]): void {
  const used = new Set(graph.output.map((o) => o.name ?? ''));
  for (const n of graph.node) for (const i of [...n.input, ...outerNamesUsedBySubgraphs(n)]) used.add(i);
  for (const name of names) if (!used.has(name)) removeInitializer(graph, name);
}

quantizeWeightsInt4 satisfies Pass<QuantizeWeightsInt4Options>;
