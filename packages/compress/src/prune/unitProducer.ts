import type { GraphIndex, Node } from '@pare/onnx';

/** A slice of one initializer along one axis, applied with the kept unit indices of its group. */
export interface AxisEdit { tensor: string; axis: number }

/** A node whose output carries hidden units that come from its own weight: the units can be removed there. */
export interface UnitProducer {
  node: Node;
  units: number;
  /** The weight whose slices along `weightAxis` are the units (ranked by their L2 norm). */
  weight: string;
  weightAxis: number;
  /** Every initializer slice that removes units at the producer: weight, and bias when there is one. */
  edits: AxisEdit[];
  /**
   * Where the unit axis sits in the output, counted from the end: -1 for MatMul/Gemm (last axis),
   * -(rank-1) for Conv (the channel axis 1 of an N-D input). Counting from the end lets broadcast
   * operands (bias [N], BN-style [C,1,1]) be matched without knowing the batch rank.
   */
  unitAxisFromEnd: number;
}

export function attrInt(node: Node, name: string, fallback: number): number {
  const a = node.attribute.find((x) => x.name === name);
  return a?.i ?? fallback;
}

/** Describe `node` as a unit producer, or say why it cannot be one (undefined: not a weight op at all). */
export function unitProducer(node: Node, idx: GraphIndex): UnitProducer | string | undefined {
  const op = node.op_type ?? '';
  if (node.domain && node.domain !== 'ai.onnx') return undefined;
  if (op !== 'MatMul' && op !== 'Gemm' && op !== 'Conv') return undefined;
  const weightName = node.input[1] ?? '';
  const weight = idx.initializer.get(weightName);
  if (!weight) return `weight "${weightName}" is computed at run time, not an initializer`;
  if (exclusiveUse(weightName, idx) !== undefined) return exclusiveUse(weightName, idx);
  const dims = weight.dims;
  if (op === 'Conv') {
    if (attrInt(node, 'group', 1) !== 1) return 'grouped or depthwise Conv: its output channels are tied to its input channels';
    if (dims.length < 3) return `Conv weight of rank ${dims.length}`;
    const edits: AxisEdit[] = [{ tensor: weightName, axis: 0 }];
    const bias = biasEdit(node.input[2], dims[0]!, idx, 'first');
    if (typeof bias === 'string') return bias;
    if (bias) edits.push(bias);
    return { node, units: dims[0]!, weight: weightName, weightAxis: 0, edits, unitAxisFromEnd: -(dims.length - 1) };
  }
  if (dims.length !== 2) return `${op} weight of rank ${dims.length} (only 2-D weights are rewritten)`;
  const axis = op === 'Gemm' && attrInt(node, 'transB', 0) === 1 ? 0 : 1;
  const units = dims[axis]!;
  const edits: AxisEdit[] = [{ tensor: weightName, axis }];
  if (op === 'Gemm') {
    const bias = biasEdit(node.input[2], units, idx, 'last');
    if (typeof bias === 'string') return bias;
    if (bias) edits.push(bias);
  }
  return { node, units, weight: weightName, weightAxis: axis, edits, unitAxisFromEnd: -1 };
}

/**
 * The bias slice of a producer: per-unit biases shrink with the units, broadcast ones stay. A Conv bias
 * is 1-D over channels ('first' axis); a Gemm C broadcasts onto the output's last axis.
 */
function biasEdit(name: string | undefined, units: number, idx: GraphIndex, unitAxis: 'first' | 'last'): AxisEdit | string | undefined {
  if (!name) return undefined;
  const bias = idx.initializer.get(name);
  if (!bias) return `bias "${name}" is computed at run time`;
  const shared = exclusiveUse(name, idx);
  if (shared) return shared;
  const pos = unitAxis === 'first' ? 0 : bias.dims.length - 1;
  if (pos < 0 || bias.dims[pos] === 1) return undefined;
  if (bias.dims[pos] !== units || bias.dims.some((d, i) => i !== pos && d !== 1)) return `bias "${name}" of shape [${bias.dims}] is not per-unit`;
  return { tensor: name, axis: pos };
}

/** An initializer may only be sliced when one node reads it; a shared weight would break its other user. */
export function exclusiveUse(name: string, idx: GraphIndex): string | undefined {
  const users = idx.consumers.get(name) ?? [];
  return users.length > 1 ? `initializer "${name}" is shared by ${users.length} nodes` : undefined;
}
