// Operators that make a tensor from a shape written into the file: a 279-byte ConstantOfShape 30000×30000
// asks for 3.6 GB at run time, more than an isolate has. Found statically, such a model is refused before
// onnxruntime allocates. It reads the ModelProto bytes directly (protoWire.ts) because the edge, where uploads
// are checked, cannot run protobufjs's generated decoders.
import { DataType } from './dataType';
import { intField, packedInts, payload, stringField, wireFields, type WireField } from './protoWire';

export interface ConstantShapeBomb {
  /** Where the node sits: "main", or the path of the If/Loop/Scan body ("main/If_0.then_branch"). */
  graph: string;
  node: string;
  op: string;
  /** Elements of the tensor the node would make. */
  elements: number;
}

// Field numbers of onnx.proto.
const MODEL_GRAPH = 7;
const GRAPH = { node: 1, initializer: 5 } as const;
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 } as const;
const ATTR = { name: 1, t: 5, g: 6, graphs: 11 } as const;
const TENSOR = { dims: 1, dataType: 2, floatData: 4, int32Data: 5, int64Data: 7, name: 8, rawData: 9, doubleData: 10 } as const;

/** Input index of the shape each such operator reads. */
const SHAPE_INPUT: Record<string, number> = { ConstantOfShape: 0, Expand: 1 };

/** The values of a small numeric TensorProto (int64, int32, float, double), or undefined for other forms. */
function tensorValues(buf: Uint8Array): { name: string; values: number[] } | undefined {
  const fields = wireFields(buf);
  const get = (num: number) => fields.filter((f) => f.num === num);
  const nameField = get(TENSOR.name)[0];
  const name = nameField ? stringField(buf, nameField) : '';
  const typeField = get(TENSOR.dataType)[0];
  const type = typeField ? intField(buf, typeField) : 0;
  const raw = get(TENSOR.rawData)[0];
  if (raw) {
    const bytes = payload(buf, raw);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const size = { [DataType.INT64]: 8, [DataType.INT32]: 4, [DataType.FLOAT]: 4, [DataType.DOUBLE]: 8 }[type];
    if (!size || bytes.byteLength > 8 * 64) return undefined;
    const values: number[] = [];
    for (let at = 0; at + size <= bytes.byteLength; at += size) {
      values.push(type === DataType.INT64 ? Number(view.getBigInt64(at, true)) : type === DataType.INT32 ? view.getInt32(at, true) : type === DataType.FLOAT ? view.getFloat32(at, true) : view.getFloat64(at, true));
    }
    return { name, values };
  }
  if (type === DataType.INT64) return { name, values: packedInts(buf, get(TENSOR.int64Data)) };
  if (type === DataType.INT32) return { name, values: packedInts(buf, get(TENSOR.int32Data)) };
  if (type === DataType.FLOAT || type === DataType.DOUBLE) {
    const list = get(type === DataType.FLOAT ? TENSOR.floatData : TENSOR.doubleData);
    const size = type === DataType.FLOAT ? 4 : 8;
    const values: number[] = [];
    for (const f of list) {
      const view = new DataView(buf.buffer, buf.byteOffset + f.valueStart, f.valueEnd - f.valueStart);
      for (let at = 0; at + size <= view.byteLength; at += size) values.push(size === 4 ? view.getFloat32(at, true) : view.getFloat64(at, true));
    }
    return { name, values };
  }
  return undefined;
}

interface ScannedNode { name: string; op: string; inputs: string[]; outputs: string[]; value?: number[]; bodies: Array<{ attr: string; graph: Uint8Array }> }

function scanNode(buf: Uint8Array): ScannedNode {
  const node: ScannedNode = { name: '', op: '', inputs: [], outputs: [], bodies: [] };
  for (const f of wireFields(buf)) {
    if (f.num === NODE.input) node.inputs.push(stringField(buf, f));
    else if (f.num === NODE.output) node.outputs.push(stringField(buf, f));
    else if (f.num === NODE.name) node.name = stringField(buf, f);
    else if (f.num === NODE.opType) node.op = stringField(buf, f);
    else if (f.num === NODE.attribute) {
      const attr = payload(buf, f);
      const fields = wireFields(attr);
      const nameField = fields.find((a) => a.num === ATTR.name);
      const attrName = nameField ? stringField(attr, nameField) : '?';
      for (const a of fields) {
        if (a.wireType !== 2) continue;
        if (a.num === ATTR.t && attrName === 'value') node.value = tensorValues(payload(attr, a))?.values;
        if (a.num === ATTR.g || a.num === ATTR.graphs) node.bodies.push({ attr: attrName, graph: payload(attr, a) });
      }
    }
  }
  return node;
}

function product(values: readonly number[]): number {
  return values.reduce((p, v) => p * Math.max(1, v), 1);
}

function scanGraph(buf: Uint8Array, path: string, maxElements: number, found: ConstantShapeBomb[]): void {
  const fields: WireField[] = wireFields(buf);
  const constants = new Map<string, number[]>();
  for (const f of fields) {
    if (f.num !== GRAPH.initializer) continue;
    const t = tensorValues(payload(buf, f));
    if (t) constants.set(t.name, t.values);
  }
  const nodes = fields.filter((f) => f.num === GRAPH.node).map((f) => scanNode(payload(buf, f)));
  for (const n of nodes) if (n.op === 'Constant' && n.value && n.outputs[0]) constants.set(n.outputs[0], n.value);
  for (const n of nodes) {
    let elements: number | undefined;
    if (n.op === 'Range') {
      const [start, limit, delta] = n.inputs.slice(0, 3).map((name) => constants.get(name)?.[0]);
      if (start !== undefined && limit !== undefined && delta !== undefined && delta !== 0) elements = Math.max(0, Math.ceil((limit - start) / delta));
    } else if (n.op in SHAPE_INPUT) {
      const shape = constants.get(n.inputs[SHAPE_INPUT[n.op]!] ?? '');
      if (shape) elements = product(shape);
    }
    if (elements !== undefined && elements > maxElements) found.push({ graph: path, node: n.name || n.op, op: n.op, elements });
    for (const body of n.bodies) scanGraph(body.graph, `${path}/${n.name || n.op}.${body.attr}`, maxElements, found);
  }
}

/** Every node whose constant shape asks for more than `maxElements` elements, in every graph of the model. */
export function findConstantShapeBombs(modelBytes: Uint8Array, maxElements: number): ConstantShapeBomb[] {
  const found: ConstantShapeBomb[] = [];
  for (const f of wireFields(modelBytes)) if (f.num === MODEL_GRAPH && f.wireType === 2) scanGraph(payload(modelBytes, f), 'main', maxElements, found);
  return found;
}
