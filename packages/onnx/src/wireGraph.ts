// ModelProto, GraphProto, NodeProto and TensorProto read from the wire (protoWire.ts), for the passes that must
// run where protobufjs cannot decode (a Worker): the upload's shape-bomb check and the load-time fold of
// weight-only forms. Field numbers are onnx.proto's.
import { DataType } from './dataType';
import { intField, packedInts, payload, stringField, wireFields, type WireField } from './protoWire';

export const MODEL_FIELD = { graph: 7 } as const;
export const GRAPH_FIELD = { node: 1, initializer: 5, input: 11, output: 12 } as const;
export const NODE_FIELD = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 } as const;
export const ATTR_FIELD = { name: 1, i: 3, t: 5, g: 6, graphs: 11 } as const;
export const TENSOR_FIELD = { dims: 1, dataType: 2, floatData: 4, int32Data: 5, int64Data: 7, name: 8, rawData: 9, doubleData: 10, dataLocation: 14 } as const;

export interface WireTensor {
  name: string;
  dataType: number;
  dims: number[];
  /** Bytes of the stored values. */
  bytes: number;
  /** The values (fp16 as bit patterns), when stored inline in a type read here and within `maxBytes`. */
  values?: ArrayLike<number>;
  /** Stored outside the model file (data_location EXTERNAL). */
  external: boolean;
}

const RAW_VIEW: Partial<Record<number, { BYTES_PER_ELEMENT: number; new (b: ArrayBuffer, o: number, n: number): ArrayLike<number> }>> = {
  [DataType.FLOAT]: Float32Array, [DataType.DOUBLE]: Float64Array, [DataType.INT8]: Int8Array, [DataType.UINT8]: Uint8Array,
  [DataType.INT32]: Int32Array, [DataType.FLOAT16]: Uint16Array,
};
/** Element sizes of the types whose values travel in int32_data. */
const INT32_DATA_SIZE: Partial<Record<number, number>> = { [DataType.INT32]: 4, [DataType.INT8]: 1, [DataType.UINT8]: 1, [DataType.FLOAT16]: 2 };

function floatsOf(buf: Uint8Array, fields: WireField[], size: 4 | 8): number[] {
  const out: number[] = [];
  for (const f of fields) {
    const view = new DataView(buf.buffer, buf.byteOffset + f.valueStart, f.valueEnd - f.valueStart);
    for (let at = 0; at + size <= view.byteLength; at += size) out.push(size === 4 ? view.getFloat32(at, true) : view.getFloat64(at, true));
  }
  return out;
}

/** A TensorProto's name, type, dims and (for float, double, int8, uint8, int32, int64, fp16) values. */
export function readWireTensor(buf: Uint8Array, options: { maxBytes?: number } = {}): WireTensor {
  const fields = wireFields(buf);
  const get = (num: number) => fields.filter((f) => f.num === num);
  const name = get(TENSOR_FIELD.name)[0];
  const type = get(TENSOR_FIELD.dataType)[0];
  const location = get(TENSOR_FIELD.dataLocation)[0];
  const t: WireTensor = { name: name ? stringField(buf, name) : '', dataType: type ? intField(buf, type) : 0, dims: packedInts(buf, get(TENSOR_FIELD.dims)), bytes: 0, external: location !== undefined && intField(buf, location) === 1 };
  if (t.external) return t;
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const raw = get(TENSOR_FIELD.rawData)[0];
  if (raw) {
    t.bytes = raw.valueEnd - raw.valueStart;
    if (t.bytes > maxBytes) return t;
    const bytes = payload(buf, raw).slice();
    if (t.dataType === DataType.INT64) t.values = Array.from(new BigInt64Array(bytes.buffer, 0, bytes.length / 8), Number);
    else {
      const View = RAW_VIEW[t.dataType];
      if (View) t.values = new View(bytes.buffer, 0, bytes.length / View.BYTES_PER_ELEMENT);
    }
    return t;
  }
  const typed = (values: number[], size: number) => {
    t.bytes = values.length * size;
    if (t.bytes <= maxBytes) t.values = values;
  };
  if (t.dataType === DataType.FLOAT) typed(floatsOf(buf, get(TENSOR_FIELD.floatData), 4), 4);
  else if (t.dataType === DataType.DOUBLE) typed(floatsOf(buf, get(TENSOR_FIELD.doubleData), 8), 8);
  else if (t.dataType === DataType.INT64) typed(packedInts(buf, get(TENSOR_FIELD.int64Data)), 8);
  else if (INT32_DATA_SIZE[t.dataType]) typed(packedInts(buf, get(TENSOR_FIELD.int32Data)), INT32_DATA_SIZE[t.dataType]!);
  return t;
}

export interface WireNode {
  name: string;
  opType: string;
  /** '' for the default domain (also when written "ai.onnx"). */
  domain: string;
  inputs: string[];
  outputs: string[];
  /** Integer attributes by name. */
  ints: Map<string, number>;
  /** The payload of each tensor attribute (a Constant's `value`), by name. */
  tensors: Map<string, Uint8Array>;
  /** Graph attributes (If/Loop/Scan bodies): attribute name and GraphProto payload. */
  bodies: Array<{ attr: string; graph: Uint8Array }>;
}

/** A NodeProto's payload read into its names, attributes and bodies. */
export function readWireNode(buf: Uint8Array): WireNode {
  const node: WireNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], ints: new Map(), tensors: new Map(), bodies: [] };
  for (const f of wireFields(buf)) {
    if (f.num === NODE_FIELD.input) node.inputs.push(stringField(buf, f));
    else if (f.num === NODE_FIELD.output) node.outputs.push(stringField(buf, f));
    else if (f.num === NODE_FIELD.name) node.name = stringField(buf, f);
    else if (f.num === NODE_FIELD.opType) node.opType = stringField(buf, f);
    else if (f.num === NODE_FIELD.domain) node.domain = stringField(buf, f);
    else if (f.num === NODE_FIELD.attribute) {
      const attr = payload(buf, f);
      const fields = wireFields(attr);
      const nameField = fields.find((a) => a.num === ATTR_FIELD.name);
      const attrName = nameField ? stringField(attr, nameField) : '?';
      for (const a of fields) {
        if (a.num === ATTR_FIELD.i && a.wireType === 0) node.ints.set(attrName, intField(attr, a));
        else if (a.wireType !== 2) continue;
        else if (a.num === ATTR_FIELD.t) node.tensors.set(attrName, payload(attr, a));
        else if (a.num === ATTR_FIELD.g || a.num === ATTR_FIELD.graphs) node.bodies.push({ attr: attrName, graph: payload(attr, a) });
      }
    }
  }
  if (node.domain === 'ai.onnx') node.domain = '';
  return node;
}

/** The name of a ValueInfoProto (graph input or output). */
export function valueInfoName(buf: Uint8Array): string {
  const f = wireFields(buf).find((x) => x.num === 1);
  return f ? stringField(buf, f) : '';
}
