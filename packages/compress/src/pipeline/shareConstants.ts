// Identical small constants read by many nodes (exporters write one Constant node per use: PP-OCRv4 det carries
// 101 duplicate scalars such as the 3 and 6 of every hard-swish) become one initializer that all of them read.
// Lossless: values, element types and shapes are compared byte for byte; onnxruntime does the same at load time
// (ConstantSharing), so this only saves bytes on the wire.
// An Identity that only re-exports an initializer (torch writes one per extra use of a parameter shared by several
// modules: ALBERT's layers, tied projections) is read through as well, so that the quantization passes see every
// reader of a shared weight and do not leave an fp32 copy beside the quantized one.
import { allGraphs, readTensor, type Model, type Node, type Tensor } from '@pare/onnx';
import type { Pass, PassReport, PassResult } from '../passReport';

export interface ShareConstantsOptions {
  /** Only tensors up to this many bytes of data are compared (default 256): duplicates are small constants. */
  maxBytes?: number;
}

/** Pure: the model is not changed; changed nodes and the graph are shallow copies, tensors are shared. */
export function shareConstants(model: Model, options: ShareConstantsOptions = {}): PassResult {
  const maxBytes = options.maxBytes ?? 256;
  const report: PassReport = { pass: 'shareConstants', options: { maxBytes }, tensors: [], skipped: [], notes: [] };
  const graph = model.graph;
  if (!graph) return { model, report };
  // Names that must keep their own tensor: graph inputs (an initializer listed as an input is an overridable
  // default), graph outputs, and anything a subgraph (If/Loop body) reads from this scope.
  const pinned = new Set<string>([...graph.input, ...graph.output].map((v) => v.name ?? ''));
  for (const { graph: g, depth } of allGraphs(model)) if (depth > 0) for (const n of g.node) n.input.forEach((i) => pinned.add(i));
  const firstByKey = new Map<string, string>();
  const replace = new Map<string, string>();
  let saved = 0;
  for (const t of graph.initializer) {
    const name = t.name ?? '';
    if (!name || pinned.has(name)) continue;
    const key = keyOf(t, maxBytes);
    if (key === undefined) continue;
    const first = firstByKey.get(key);
    if (first === undefined) firstByKey.set(key, name);
    else { replace.set(name, first); saved += t.raw_data?.byteLength ?? 0; }
  }
  const duplicates = replace.size;
  const initializers = new Set(graph.initializer.map((t) => t.name ?? ''));
  const bypassed = new Set<Node>();
  for (const n of graph.node) {
    const source = n.input[0] ? replace.get(n.input[0]) ?? n.input[0] : undefined;
    const output = n.output[0];
    if (n.op_type !== 'Identity' || (n.domain ?? '') !== '' || n.output.length !== 1 || !source || !output || !initializers.has(source) || pinned.has(output)) continue;
    replace.set(output, source);
    bypassed.add(n);
  }
  if (replace.size === 0) return { model, report };
  const rename = (n: Node): Node => (n.input.some((i) => replace.has(i)) ? { ...n, input: n.input.map((i) => replace.get(i) ?? i) } : n);
  const out: Model = {
    ...model,
    graph: {
      ...graph,
      node: graph.node.filter((n) => !bypassed.has(n)).map(rename),
      initializer: graph.initializer.filter((t) => !replace.has(t.name ?? '')),
      value_info: graph.value_info.filter((v) => !replace.has(v.name ?? '')),
    },
  };
  if (duplicates) report.notes.push(`${duplicates} duplicate constant(s) now read from the first identical initializer`);
  if (bypassed.size) report.notes.push(`${bypassed.size} Identity node(s) of an initializer read through (a weight shared by several nodes)`);
  return { model: out, report };
}

function keyOf(t: Tensor, maxBytes: number): string | undefined {
  if ((t.data_location ?? 0) !== 0) return undefined; // external data: not compared
  let values;
  try { values = readTensor(t); } catch { return undefined; }
  if (!ArrayBuffer.isView(values)) return undefined;
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (bytes.byteLength > maxBytes) return undefined;
  return `${t.data_type}|${t.dims.join(',')}|${Array.from(bytes).join(',')}`;
}

shareConstants satisfies Pass<ShareConstantsOptions>;
