// Operators that make a tensor from a shape written into the file: a 279-byte ConstantOfShape 30000×30000
// asks for 3.6 GB at run time, more than an isolate has. Found statically, such a model is refused before
// onnxruntime allocates. It reads the ModelProto bytes directly (protoWire.ts) because the edge, where uploads
// are checked, cannot run protobufjs's generated decoders.
import { DataType } from './dataType';
import { payload, wireFields } from './protoWire';
import { GRAPH_FIELD, MODEL_FIELD, readWireNode, readWireTensor } from './wireGraph';

export interface ConstantShapeBomb {
  /** Where the node sits: "main", or the path of the If/Loop/Scan body ("main/If_0.then_branch"). */
  graph: string;
  node: string;
  op: string;
  /** Elements of the tensor the node would make. */
  elements: number;
}

/** Input index of the shape each such operator reads. */
const SHAPE_INPUT: Record<string, number> = { ConstantOfShape: 0, Expand: 1 };
/** Shapes and Range bounds are small; larger constants are not read. */
const SMALL_BYTES = 8 * 64;
const NUMERIC = new Set<number>([DataType.INT64, DataType.INT32, DataType.FLOAT, DataType.DOUBLE]);

/** The values of a small numeric TensorProto (int64, int32, float, double), or undefined for other forms. */
function smallValues(buf: Uint8Array): { name: string; values: number[] } | undefined {
  const t = readWireTensor(buf, { maxBytes: SMALL_BYTES });
  return t.values && NUMERIC.has(t.dataType) ? { name: t.name, values: Array.from(t.values) } : undefined;
}

function product(values: readonly number[]): number {
  return values.reduce((p, v) => p * Math.max(1, v), 1);
}

function scanGraph(buf: Uint8Array, path: string, maxElements: number, found: ConstantShapeBomb[]): void {
  const fields = wireFields(buf);
  const constants = new Map<string, number[]>();
  for (const f of fields) {
    if (f.num !== GRAPH_FIELD.initializer) continue;
    const t = smallValues(payload(buf, f));
    if (t) constants.set(t.name, t.values);
  }
  const nodes = fields.filter((f) => f.num === GRAPH_FIELD.node).map((f) => readWireNode(payload(buf, f)));
  for (const n of nodes) {
    const value = n.opType === 'Constant' ? n.tensors.get('value') : undefined;
    const values = value ? smallValues(value)?.values : undefined;
    if (values && n.outputs[0]) constants.set(n.outputs[0], values);
  }
  for (const n of nodes) {
    let elements: number | undefined;
    if (n.opType === 'Range') {
      const [start, limit, delta] = n.inputs.slice(0, 3).map((name) => constants.get(name)?.[0]);
      if (start !== undefined && limit !== undefined && delta !== undefined && delta !== 0) elements = Math.max(0, Math.ceil((limit - start) / delta));
    } else if (n.opType in SHAPE_INPUT) {
      const shape = constants.get(n.inputs[SHAPE_INPUT[n.opType]!] ?? '');
      if (shape) elements = product(shape);
    }
    if (elements !== undefined && elements > maxElements) found.push({ graph: path, node: n.name || n.opType, op: n.opType, elements });
    for (const body of n.bodies) scanGraph(body.graph, `${path}/${n.name || n.opType}.${body.attr}`, maxElements, found);
  }
}

/** Every node whose constant shape asks for more than `maxElements` elements, in every graph of the model. */
export function findConstantShapeBombs(modelBytes: Uint8Array, maxElements: number): ConstantShapeBomb[] {
  const found: ConstantShapeBomb[] = [];
  for (const f of wireFields(modelBytes)) if (f.num === MODEL_FIELD.graph && f.wireType === 2) scanGraph(payload(modelBytes, f), 'main', maxElements, found);
  return found;
}
