// Bias correction: rounding a layer's weights shifts the mean of its output by ΔW · E[x], the same shift on
// every input; across a deep conv net those shifts add up (PP-OCRv4 det, weight-only int8 per-channel
// symmetric: output cosine 0.935 → 0.994 once each layer's shift is subtracted from its bias, bench/fitNotes.md).
// E[x] per input channel is measured by running the model (calibration, deps.channelMeans); this pure part names
// the values to measure and folds the correction into each node's bias.
import { makeTensor, outerNamesUsedBySubgraphs, readTensorAsFloat32, type Graph, type Node, type Tensor } from '@pare/onnx';
import { intAttr, floatAttr, makeNode, type NameAllocator } from './graphEdit';

/** Which axis of an activation holds the channels a weight reads: 1 for Conv (N,C,…), the last for MatMul/Gemm. */
export type MeanAxis = 'channel' | 'last';

export interface MeanTarget { value: string; axis: MeanAxis }

/** Per-channel means of activations, keyed by meanKey(value, axis). */
export type ChannelMeans = Record<string, Float32Array>;

export function meanKey(value: string, axis: MeanAxis): string {
  return `${value}#${axis}`;
}

/** The axis of its input a weighted op reads channels from. */
export function meanAxisOf(op: string): MeanAxis {
  return op === 'Conv' || op === 'ConvTranspose' ? 'channel' : 'last';
}

const CORRECTABLE = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

/** The activations whose channel means bias correction needs: the data input of every weighted node (of `ops`) of the main graph. */
export function biasCorrectionTargets(graph: Graph, ops: readonly string[] = [...CORRECTABLE]): MeanTarget[] {
  const initializers = new Set(graph.initializer.map((t) => t.name ?? ''));
  const seen = new Set<string>();
  const targets: MeanTarget[] = [];
  for (const node of graph.node) {
    if ((node.domain ?? '') !== '' || !CORRECTABLE.has(node.op_type ?? '') || !ops.includes(node.op_type ?? '') || !initializers.has(node.input[1] ?? '')) continue;
    const value = node.input[0];
    if (!value || initializers.has(value)) continue;
    const axis = meanAxisOf(node.op_type ?? '');
    const key = meanKey(value, axis);
    if (seen.has(key)) continue;
    seen.add(key);
    targets.push({ value, axis });
  }
  return targets;
}

/** Mean of each channel of one activation (dims [N, C, …] for 'channel', [..., C] for 'last'), accumulated over samples. */
export function addChannelMeans(into: Float64Array | undefined, data: ArrayLike<number>, dims: readonly number[], axis: MeanAxis): { sums: Float64Array; count: number } {
  const a = axis === 'channel' ? 1 : dims.length - 1;
  const channels = dims[a] ?? 1;
  const inner = dims.slice(a + 1).reduce((x, y) => x * y, 1);
  const sums = into ?? new Float64Array(channels);
  for (let i = 0; i < data.length; i++) sums[Math.floor(i / inner) % channels]! += data[i]!;
  return { sums, count: channels > 0 ? data.length / channels : 0 };
}

export interface CorrectionResult {
  /** Largest |shift| removed, relative to the largest |bias| after correction (for the report). */
  maxShift: number;
  /** How the correction was stored: 'bias' (the node's bias input, or the constant of the Add after a MatMul), 'add' (a new Add). */
  via: 'bias' | 'add';
}

/**
 * Subtract the expected output shift of `node`, whose weight `original` is now read as `restored`, from its
 * bias. Returns undefined where the node's form does not allow it (Gemm with transA, a bias that is not a
 * constant of the expected shape, means of the wrong length). Mutates `graph` (a copy the pass owns).
 */
export function correctBias(graph: Graph, node: Node, original: Float32Array, restored: Float32Array, dims: readonly number[], means: Float32Array, names: NameAllocator): CorrectionResult | undefined {
  const shift = expectedShift(node, original, restored, dims, means);
  if (!shift) return undefined;
  let maxShift = 0;
  for (const s of shift) maxShift = Math.max(maxShift, Math.abs(s));
  if (maxShift === 0) return { maxShift, via: 'bias' };
  if (node.op_type === 'MatMul') return { maxShift, via: addAfterMatMul(graph, node, shift, names) };
  // Conv, ConvTranspose: bias is input 2, shape [M]. Gemm: C is input 2, Y = alpha·A·B + beta·C.
  const scale = node.op_type === 'Gemm' ? floatAttr(node, 'alpha', 1) / floatAttr(node, 'beta', 1) : 1;
  const correction = shift.map((s) => -s * scale);
  const bias = node.input[2] ? graph.initializer.find((t) => t.name === node.input[2]) : undefined;
  if (node.input[2] && (!bias || !isVector(bias, correction.length))) return undefined;
  node.input[2] = withAdded(graph, bias, correction, names, `${node.input[1]}_bias`);
  return { maxShift, via: 'bias' };
}

/** ΔW · E[x] per output channel, or undefined where the node's layout is not one this handles. */
function expectedShift(node: Node, original: Float32Array, restored: Float32Array, dims: readonly number[], means: Float32Array): Float32Array | undefined {
  const delta = (i: number) => restored[i]! - original[i]!;
  if (node.op_type === 'Conv' || node.op_type === 'ConvTranspose') {
    const group = intAttr(node, 'group', 1);
    const spatial = dims.slice(2).reduce((a, b) => a * b, 1);
    if (node.op_type === 'Conv') {
      // W [M, C/group, k…]: output m reads input channels of its group.
      const [m, cPerGroup] = dims as [number, number];
      if (means.length !== cPerGroup * group || m % group !== 0) return undefined;
      const perGroup = m / group;
      const out = new Float32Array(m);
      for (let o = 0; o < m; o++) {
        const g = Math.floor(o / perGroup);
        let s = 0;
        for (let c = 0; c < cPerGroup; c++) {
          let d = 0;
          for (let k = 0; k < spatial; k++) d += delta((o * cPerGroup + c) * spatial + k);
          s += d * means[g * cPerGroup + c]!;
        }
        out[o] = s;
      }
      return out;
    }
    // ConvTranspose W [C, M/group, k…]: each output pixel receives prod(k)/prod(strides) taps on average.
    const [c, mPerGroup] = dims as [number, number];
    if (means.length !== c || c % group !== 0) return undefined;
    const strides = node.attribute.find((a) => a.name === 'strides')?.ints?.map(Number) ?? [];
    const taps = strides.reduce((a, b) => a * b, 1);
    const cPerGroup = c / group;
    const out = new Float32Array(mPerGroup * group);
    for (let ci = 0; ci < c; ci++) {
      const g = Math.floor(ci / cPerGroup);
      for (let o = 0; o < mPerGroup; o++) {
        let d = 0;
        for (let k = 0; k < spatial; k++) d += delta((ci * mPerGroup + o) * spatial + k);
        out[g * mPerGroup + o]! += (d * means[ci]!) / taps;
      }
    }
    return out;
  }
  // MatMul B [K, N]; Gemm B [K, N] or, with transB, [N, K]. A's last axis is K (Gemm with transA is left alone).
  if (dims.length !== 2 || (node.op_type === 'Gemm' && intAttr(node, 'transA', 0))) return undefined;
  const transB = node.op_type === 'Gemm' && intAttr(node, 'transB', 0) === 1;
  const [k, n] = transB ? [dims[1]!, dims[0]!] : [dims[0]!, dims[1]!];
  return columnShift(original, restored, k, n, means, transB);
}

/** ΔW · E[a] per output column of a weight W [K, N] (stored [N, K] when `transposed`); undefined if the means do not fit. */
export function columnShift(original: Float32Array, restored: Float32Array, k: number, n: number, means: Float32Array | undefined, transposed = false): Float32Array | undefined {
  if (!means || means.length !== k) return undefined;
  const out = new Float32Array(n);
  for (let i = 0; i < k; i++) {
    const mu = means[i]!;
    if (mu === 0) continue;
    for (let j = 0; j < n; j++) {
      const at = transposed ? j * k + i : i * n + j;
      out[j]! += (restored[at]! - original[at]!) * mu;
    }
  }
  return out;
}

/** A MatMul's bias: the constant of the Add it feeds when only that Add reads both, else a new Add after it. */
function addAfterMatMul(graph: Graph, node: Node, shift: Float32Array, names: NameAllocator): CorrectionResult['via'] {
  const correction = shift.map((s) => -s);
  const output = node.output[0]!;
  const readers = graph.node.filter((n) => n.input.includes(output));
  const isOutput = graph.output.some((o) => o.name === output);
  const add = readers.length === 1 && !isOutput && readers[0]!.op_type === 'Add' && (readers[0]!.domain ?? '') === '' ? readers[0]! : undefined;
  if (add) {
    const other = add.input.find((i) => i !== output);
    const bias = other ? graph.initializer.find((t) => t.name === other) : undefined;
    if (bias && isVector(bias, correction.length)) {
      add.input[add.input.indexOf(other!)] = withAdded(graph, bias, correction, names, `${node.input[1]}_bias_corrected`);
      return 'bias';
    }
  }
  // No bias to fold into: the MatMul writes a fresh value and an Add restores the old name (graph outputs keep theirs).
  const raw = names.fresh(`${output}_before_bias_correction`);
  node.output[0] = raw;
  const bias = withAdded(graph, undefined, correction, names, `${node.input[1]}_bias_correction`);
  graph.node.splice(graph.node.indexOf(node) + 1, 0, makeNode('Add', [raw, bias], [output], names.fresh(`${node.name || output}_BiasCorrection`)));
  return 'add';
}

/** A constant of shape [n] or [1, n]. */
function isVector(t: Tensor, n: number): boolean {
  const dims = t.dims.map(Number);
  return dims.reduce((a, b) => a * b, 1) === n && dims.filter((d) => d !== 1).length <= 1 && dims.length <= 2 && t.data_type === 1;
}

/**
 * `bias + correction` as an initializer: the bias itself, edited, when this node is its only reader; otherwise a
 * new one (another reader's bias must not move).
 */
function withAdded(graph: Graph, bias: Tensor | undefined, correction: Float32Array, names: NameAllocator, base: string): string {
  const values = bias ? readTensorAsFloat32(bias).map((v, i) => v + correction[i]!) : correction;
  const dims = bias ? bias.dims.map(Number) : [correction.length];
  if (bias && readersOf(graph, bias.name!) === 1) {
    graph.initializer[graph.initializer.indexOf(bias)] = makeTensor(bias.name!, 1, dims, values);
    return bias.name!;
  }
  const name = names.fresh(base);
  graph.initializer.push(makeTensor(name, 1, dims, values));
  return name;
}

/** How many node inputs (nested bodies' outer-scope reads and graph outputs included) read a value. */
function readersOf(graph: Graph, name: string): number {
  let n = graph.output.some((o) => o.name === name) ? 1 : 0;
  for (const node of graph.node) n += node.input.filter((i) => i === name).length + (outerNamesUsedBySubgraphs(node).includes(name) ? 1 : 0);
  return n;
}
