import { byteSize, dataTypeName, isFloatType, ortTypeName } from './dataType';
import { allGraphs, opCounts } from './graphWalk';
import { constantTensor } from './constantsToInitializers';
import { elementCount, isExternal, readTensorAsFloat32 } from './tensorData';
import type { Model, SparseTensor, Tensor, TypeProto, ValueInfo } from './types';

export interface ValueSummary {
  name: string;
  /** onnxruntime's element type name ("float32", "int64"), or e.g. "sequence<float32>" for non-tensors. */
  dtype: string;
  /** Dimensions: a number when fixed, the symbolic name when named, "?" when neither; null when the rank is unknown. */
  shape: Array<number | string> | null;
}

export interface DtypeParameters { dtype: string; tensors: number; count: number; bytes: number }

export interface ModelSummary {
  irVersion: number | null;
  /** Imported opsets; the default ONNX domain is written "ai.onnx". */
  opsets: Array<{ domain: string; version: number }>;
  producer: string | null;
  graphName: string | null;
  /** Graph inputs a caller feeds (initializers listed as inputs by old exporters are left out). */
  inputs: ValueSummary[];
  outputs: ValueSummary[];
  /** Stored tensors: initializers, sparse initializers and Constant node values, in every graph. */
  parameters: {
    tensors: number;
    count: number;
    bytes: number;
    byDtype: DtypeParameters[];
    /** How many of the tensors are held in Constant nodes rather than initializers. */
    inConstantNodes: number;
    /** How many keep their data in external files (counted from their shapes). */
    external: number;
  };
  nodeCount: number;
  /** Operator counts over all graphs and functions, most frequent first. */
  opCounts: Record<string, number>;
  /** Zeros among float weights of rank 2 or more (MatMul/Gemm/Conv weights: biases and norms excluded). */
  sparsity: { zeros: number; elements: number; fraction: number };
  subgraphCount: number;
  functionCount: number;
  metadata: Record<string, string>;
}

/** A model at a glance, for `pare inspect` and manifests. Pure: reads tensor data only to count zeros. */
export function summarizeModel(model: Model): ModelSummary {
  const graph = model.graph;
  const graphs = allGraphs(model);
  const params = new ParameterTally();
  let nodeCount = 0;
  for (const { graph: g } of graphs) {
    nodeCount += g.node.length;
    for (const t of g.initializer) params.addDense(t, false);
    for (const s of g.sparse_initializer) params.addSparse(s, false);
    for (const node of g.node) {
      if (node.op_type !== 'Constant' || (node.domain && node.domain !== 'ai.onnx')) continue;
      const sparse = node.attribute.find((a) => a.name === 'sparse_value')?.sparse_tensor;
      if (sparse) { params.addSparse(sparse, true); continue; }
      const t = constantTensor(node);
      if (typeof t !== 'string') params.addDense(t, true);
    }
  }
  const initializerNames = new Set(graph?.initializer.map((t) => t.name));
  const counts = Object.entries(opCounts(model)).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return {
    irVersion: model.ir_version ?? null,
    opsets: model.opset_import.map((o) => ({ domain: !o.domain ? 'ai.onnx' : o.domain, version: o.version ?? 0 })),
    producer: model.producer_name ? [model.producer_name, model.producer_version].filter(Boolean).join(' ') : null,
    graphName: graph?.name || null,
    inputs: (graph?.input ?? []).filter((v) => !initializerNames.has(v.name)).map(summarizeValue),
    outputs: (graph?.output ?? []).map(summarizeValue),
    parameters: params.result(),
    nodeCount,
    opCounts: Object.fromEntries(counts),
    sparsity: params.sparsity(),
    subgraphCount: graphs.length - 1,
    functionCount: model.functions.length,
    metadata: Object.fromEntries(model.metadata_props.map((p) => [p.key ?? '', p.value ?? ''])),
  };
}

class ParameterTally {
  private readonly byDtype = new Map<string, DtypeParameters>();
  private tensors = 0;
  private inConstantNodes = 0;
  private external = 0;
  private zeros = 0;
  private weightElements = 0;

  addDense(t: Tensor, inConstant: boolean): void {
    this.count(t, inConstant);
    this.add(t.data_type, elementCount(t.dims), tensorBytes(t));
    if (isFloatType(t.data_type) && t.dims.length >= 2 && !isExternal(t)) {
      const values = readTensorAsFloat32(t);
      let zeros = 0;
      for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
      this.zeros += zeros;
      this.weightElements += values.length;
    }
  }

  /** A sparse tensor counts its stored values; its bytes include the indices. */
  addSparse(s: SparseTensor, inConstant: boolean): void {
    if (!s.values) return;
    this.count(s.values, inConstant);
    this.add(s.values.data_type, elementCount(s.values.dims), tensorBytes(s.values) + (s.indices ? tensorBytes(s.indices) : 0));
  }

  result(): ModelSummary['parameters'] {
    const byDtype = [...this.byDtype.values()].sort((a, b) => b.bytes - a.bytes);
    return {
      tensors: this.tensors,
      count: byDtype.reduce((n, d) => n + d.count, 0),
      bytes: byDtype.reduce((n, d) => n + d.bytes, 0),
      byDtype,
      inConstantNodes: this.inConstantNodes,
      external: this.external,
    };
  }

  sparsity(): ModelSummary['sparsity'] {
    return { zeros: this.zeros, elements: this.weightElements, fraction: this.weightElements ? this.zeros / this.weightElements : 0 };
  }

  private count(t: Tensor, inConstant: boolean): void {
    this.tensors++;
    if (inConstant) this.inConstantNodes++;
    if (isExternal(t)) this.external++;
  }

  private add(type: number | undefined, count: number, bytes: number): void {
    const dtype = elemTypeName(type);
    const entry = this.byDtype.get(dtype) ?? { dtype, tensors: 0, count: 0, bytes: 0 };
    entry.tensors++;
    entry.count += count;
    entry.bytes += bytes;
    this.byDtype.set(dtype, entry);
  }
}

/** Bytes of a tensor's values: element count × element size; strings by their stored length. */
function tensorBytes(t: Tensor): number {
  const size = byteSize(t.data_type);
  if (size > 0) return elementCount(t.dims) * size;
  if (t.raw_data && t.raw_data.byteLength > 0) return t.raw_data.byteLength; // 4-bit and 2-bit types, packed
  return t.string_data.reduce((n, s) => n + s.byteLength, 0);
}

function elemTypeName(type: number | undefined): string {
  try {
    return ortTypeName(type);
  } catch {
    return dataTypeName(type);
  }
}

function summarizeValue(v: ValueInfo): ValueSummary {
  const { dtype, shape } = describeType(v.type);
  return { name: v.name ?? '', dtype, shape };
}

function describeType(tp: TypeProto | undefined): { dtype: string; shape: ValueSummary['shape'] } {
  const tensor = tp?.tensor_type ?? tp?.sparse_tensor_type;
  if (tensor) {
    const shape = tensor.shape ? tensor.shape.dim.map((d) => d.dim_value ?? (d.dim_param || '?')) : null;
    return { dtype: (tp?.sparse_tensor_type ? 'sparse ' : '') + elemTypeName(tensor.elem_type), shape };
  }
  if (tp?.sequence_type) return { dtype: `sequence<${describeType(tp.sequence_type.elem_type).dtype}>`, shape: null };
  if (tp?.optional_type) return { dtype: `optional<${describeType(tp.optional_type.elem_type).dtype}>`, shape: null };
  if (tp?.map_type) return { dtype: `map<${elemTypeName(tp.map_type.key_type)}, ${describeType(tp.map_type.value_type).dtype}>`, shape: null };
  return { dtype: 'unknown', shape: null };
}
