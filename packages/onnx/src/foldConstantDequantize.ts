// Weight-only storage forms compute each weight from constants on every run: DequantizeLinear(int8, scale[, zp])
// or Cast(fp16 → fp32). onnxruntime keeps DQ nodes (for its QDQ fusions) and does not fold them, so the int8
// file costs run time. This folds every such node whose inputs are all initializers of its own graph (If/Loop/Scan
// bodies included) into the fp32 initializer it computes: the small download, fp32 speed, fp32 memory.
// It edits the ModelProto bytes directly (protoWire.ts), copying every other field verbatim, so it also runs in a
// Worker, where protobufjs cannot decode (its decoders are generated code).
import { DataType } from './dataType';
import { halfToFloat } from './tensorData';
import { bytesField, concatBytes, payload, stringField, varintField, wireFields, type WireField } from './protoWire';
import {
  ATTR_FIELD as ATTR, GRAPH_FIELD as GRAPH, MODEL_FIELD, NODE_FIELD as NODE, TENSOR_FIELD as TENSOR, readWireNode, readWireTensor, valueInfoName, type WireNode, type WireTensor,
} from './wireGraph';

export interface FoldedTensor {
  /** The value name the fp32 initializer now carries (the DQ or Cast output). */
  name: string;
  /** Graph path ("main", "main/If_25.then_branch"…). */
  graph: string;
  op: 'DequantizeLinear' | 'Cast';
  dims: number[];
  bytesBefore: number;
  bytesAfter: number;
}

export interface FoldReport {
  folded: FoldedTensor[];
  /** Constant-input DequantizeLinear nodes of a form this does not fold (int4, blocked, a non-float scale). */
  skipped: Array<{ name: string; reason: string }>;
  /** Every operator type of the model, all graphs. */
  opTypes: Set<string>;
}

const QUANTIZED = new Set<number>([DataType.INT8, DataType.UINT8, DataType.INT32]);
const DQ_DOMAINS = new Set(['', 'ai.onnx', 'com.microsoft']);

interface ParsedNode extends WireNode { field: WireField }

/** Returns the input bytes themselves when nothing folds. */
export function foldConstantDequantize(bytes: Uint8Array): { bytes: Uint8Array; report: FoldReport } {
  const report: FoldReport = { folded: [], skipped: [], opTypes: new Set() };
  const fields = wireFields(bytes);
  const parts: Uint8Array[] = [];
  let changed = false;
  for (const f of fields) {
    const graph = f.num === MODEL_FIELD.graph && f.wireType === 2 ? rewriteGraph(payload(bytes, f), 'main', report) : undefined;
    if (graph) { changed = true; parts.push(bytesField(MODEL_FIELD.graph, graph)); } else parts.push(bytes.subarray(f.start, f.end));
  }
  return { bytes: changed ? concatBytes(parts) : bytes, report };
}

/** The rewritten GraphProto payload, or undefined when neither it nor a nested body changed. */
function rewriteGraph(buf: Uint8Array, path: string, report: FoldReport): Uint8Array | undefined {
  const fields = wireFields(buf);
  const initializers = new Map<string, WireTensor>();
  for (const f of fields) if (f.num === GRAPH.initializer) { const t = readWireTensor(payload(buf, f)); initializers.set(t.name, t); }
  const nodes = fields.filter((f) => f.num === GRAPH.node).map((f): ParsedNode => ({ ...readWireNode(payload(buf, f)), field: f }));
  const replaced = new Map<WireField, Uint8Array>();
  const nestedReads = new Set<string>();
  for (const node of nodes) {
    report.opTypes.add(node.opType);
    const rewritten = rewriteNodeBodies(payload(buf, node.field), `${path}/${node.name || node.opType}`, report, nestedReads);
    if (rewritten) replaced.set(node.field, bytesField(GRAPH.node, rewritten));
  }
  const folded = new Set<ParsedNode>();
  const added: Uint8Array[] = [];
  for (const node of nodes) {
    const tensor = foldNode(node, initializers, report);
    if (!tensor) continue;
    folded.add(node);
    const name = node.outputs[0]!;
    added.push(bytesField(GRAPH.initializer, concatBytes([
      ...tensor.dims.map((d) => varintField(TENSOR.dims, d)),
      varintField(TENSOR.dataType, DataType.FLOAT),
      bytesField(TENSOR.name, name),
      bytesField(TENSOR.rawData, new Uint8Array(tensor.values.buffer)),
    ])));
    report.folded.push({ name, graph: path, op: node.opType as FoldedTensor['op'], dims: tensor.dims, bytesBefore: initializers.get(node.inputs[0]!)!.bytes, bytesAfter: tensor.values.byteLength });
  }
  if (!folded.size && !replaced.size) return undefined;
  // The stored data, scales and zero points go, unless something else (a nested body included) still reads them.
  const used = new Set(nestedReads);
  for (const node of nodes) if (!folded.has(node)) node.inputs.forEach((n) => used.add(n));
  for (const f of fields) if (f.num === GRAPH.output) used.add(valueInfoName(payload(buf, f)));
  const gone = new Set<string>();
  for (const node of folded) for (const n of node.inputs) if (n && !used.has(n)) gone.add(n);
  const foldedFields = new Set([...folded].map((n) => n.field));
  const parts: Uint8Array[] = [];
  for (const f of fields) {
    if (f.num === GRAPH.node && foldedFields.has(f)) continue;
    if (f.num === GRAPH.initializer && gone.has(tensorName(payload(buf, f)))) continue;
    if (f.num === GRAPH.input && gone.has(valueInfoName(payload(buf, f)))) continue;
    parts.push(replaced.get(f) ?? buf.subarray(f.start, f.end));
  }
  parts.push(...added);
  return concatBytes(parts);
}

/** A node's payload with its If/Loop/Scan bodies rewritten, or undefined; collects every name the bodies read. */
function rewriteNodeBodies(node: Uint8Array, path: string, report: FoldReport, reads: Set<string>): Uint8Array | undefined {
  let changed = false;
  const parts: Uint8Array[] = [];
  for (const f of wireFields(node)) {
    if (f.num !== NODE.attribute) { parts.push(node.subarray(f.start, f.end)); continue; }
    const attr = payload(node, f);
    const attrFields = wireFields(attr);
    const name = attrFields.find((a) => a.num === ATTR.name);
    let attrChanged = false;
    const attrParts = attrFields.map((a) => {
      if ((a.num !== ATTR.g && a.num !== ATTR.graphs) || a.wireType !== 2) return attr.subarray(a.start, a.end);
      const body = payload(attr, a);
      const rewritten = rewriteGraph(body, `${path}.${name ? stringField(attr, name) : '?'}`, report);
      namesReadIn(rewritten ?? body, reads);
      if (!rewritten) return attr.subarray(a.start, a.end);
      attrChanged = true;
      return bytesField(a.num, rewritten);
    });
    if (attrChanged) { changed = true; parts.push(bytesField(NODE.attribute, concatBytes(attrParts))); } else parts.push(node.subarray(f.start, f.end));
  }
  return changed ? concatBytes(parts) : undefined;
}

/** Every node input of a graph and its nested bodies (a superset of the outer names it reads: enough to keep them). */
function namesReadIn(graph: Uint8Array, into: Set<string>): void {
  for (const f of wireFields(graph)) {
    if (f.num !== GRAPH.node) continue;
    const node = payload(graph, f);
    for (const n of wireFields(node)) {
      if (n.num === NODE.input) into.add(stringField(node, n));
      if (n.num !== NODE.attribute) continue;
      const attr = payload(node, n);
      for (const a of wireFields(attr)) if ((a.num === ATTR.g || a.num === ATTR.graphs) && a.wireType === 2) namesReadIn(payload(attr, a), into);
    }
  }
}

function foldNode(node: ParsedNode, initializers: Map<string, WireTensor>, report: FoldReport): { dims: number[]; values: Float32Array } | undefined {
  const isDq = node.opType === 'DequantizeLinear' && DQ_DOMAINS.has(node.domain);
  const isCast = node.opType === 'Cast' && node.domain === '';
  if (!isDq && !isCast) return undefined;
  const inputs = node.inputs.map((n) => (n ? initializers.get(n) : undefined));
  const x = inputs[0];
  if (!x || node.inputs.some((n, i) => n && !inputs[i]) || !x.values || x.values.length !== x.dims.reduce((a, b) => a * b, 1)) return undefined;
  if (isCast) {
    if (x.dataType !== DataType.FLOAT16 || node.ints.get('to') !== DataType.FLOAT) return undefined;
    return { dims: x.dims, values: Float32Array.from(x.values, halfToFloat) };
  }
  const [, scale, zp] = inputs;
  if (!QUANTIZED.has(x.dataType) || scale!.dataType !== DataType.FLOAT || !scale!.values || (zp && !zp.values) || (node.ints.get('block_size') ?? 0) !== 0) {
    report.skipped.push({ name: node.outputs[0]!, reason: 'DequantizeLinear of a type or input form this does not fold' });
    return undefined;
  }
  return { dims: x.dims, values: dequantize(x.values, x.dims, scale!.values, zp?.values, node.ints.get('axis') ?? 1) };
}

/** (x - zp) * scale, per tensor (one scale) or per axis (1-D scale along `axis`, ONNX's default axis 1). */
function dequantize(q: ArrayLike<number>, dims: number[], scale: ArrayLike<number>, zp: ArrayLike<number> | undefined, axisAttr: number): Float32Array {
  const out = new Float32Array(q.length);
  const perAxis = scale.length > 1;
  const axis = axisAttr < 0 ? axisAttr + dims.length : axisAttr;
  let inner = 1;
  if (perAxis) for (let d = axis + 1; d < dims.length; d++) inner *= dims[d]!;
  const channels = perAxis ? dims[axis]! : 1;
  for (let i = 0; i < q.length; i++) {
    const c = perAxis ? Math.floor(i / inner) % channels : 0;
    out[i] = (q[i]! - (zp ? zp[c]! : 0)) * scale[c]!;
  }
  return out;
}

function tensorName(buf: Uint8Array): string {
  const f = wireFields(buf).find((x) => x.num === TENSOR.name);
  return f ? stringField(buf, f) : '';
}
