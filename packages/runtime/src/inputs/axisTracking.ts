// Which model-input axis each axis of a value comes from, and how strides have scaled it: a value's size on a
// tracked axis is about (input size − offset) / factor. Rules per operator, as data; an operator without a
// rule ends the tracking (the trial run still catches what that misses).
import { readTensor, type Node, type Tensor } from '@pare/onnx';

export interface AxisTrack {
  input: string;
  inputAxis: number;
  /** Axis of the value this track is on. */
  axis: number;
  factor: number;
  offset: number;
}

export interface Tracked { rank: number; tracks: AxisTrack[] }

type Need = (track: AxisTrack, inputSize: number, multiple: number) => void;
type Constant = (name: string | undefined) => Tensor | undefined;

const SAME_SHAPE = new Set([
  'Relu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'Elu', 'Selu', 'HardSigmoid', 'HardSwish', 'Softplus', 'Softsign', 'Clip', 'Cast',
  'Identity', 'Dropout', 'Abs', 'Neg', 'Exp', 'Log', 'Sqrt', 'Reciprocal', 'Erf', 'Gelu', 'BatchNormalization',
  'InstanceNormalization', 'LayerNormalization', 'Softmax', 'LogSoftmax', 'Floor', 'Ceil', 'Round', 'Sign', 'Not',
  'QuantizeLinear', 'DequantizeLinear', 'Mish', 'Sin', 'Cos', 'Pad', 'Slice', 'Split', 'CumSum', 'LRN',
]);
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'Where', 'Equal', 'Less', 'Greater', 'And', 'Or', 'PRelu', 'Mod', 'Concat']);
const WINDOWED = new Set(['Conv', 'ConvInteger', 'MaxPool', 'AveragePool', 'LpPool']);

export function trackNode(node: Node, tracked: Map<string, Tracked>, constant: Constant, need: Need): void {
  const op = node.op_type ?? '';
  const x = tracked.get(node.input[0] ?? '');
  const set = (value: string | undefined, t: Tracked | undefined) => { if (value && t && t.tracks.length) tracked.set(value, t); };
  if (SAME_SHAPE.has(op)) {
    for (const out of op === 'Split' ? node.output : node.output.slice(0, 1)) set(out, x);
  } else if (BROADCAST.has(op)) {
    const ins = node.input.map((n) => tracked.get(n));
    const rank = Math.max(...ins.map((t) => t?.rank ?? 0));
    // Concat joins along one axis; every other op aligns its operands from the right.
    set(node.output[0], { rank, tracks: merged(ins.flatMap((t) => (t ? t.tracks.map((k) => ({ ...k, axis: k.axis + rank - t.rank })) : []))) });
  } else if (x && WINDOWED.has(op)) {
    set(node.output[0], windowed(node, x, constant, need));
  } else if (x && op === 'ConvTranspose') {
    const strides = ints(node, 'strides');
    set(node.output[0], { rank: x.rank, tracks: x.tracks.map((t) => (t.axis >= 2 ? { ...t, factor: t.factor / (strides?.[t.axis - 2] ?? 1) } : t)) });
  } else if (x && (op === 'GlobalAveragePool' || op === 'GlobalMaxPool')) {
    set(node.output[0], { rank: x.rank, tracks: x.tracks.filter((t) => t.axis < 2) });
  } else if (x && op === 'Unsqueeze') {
    const axes = ints(node, 'axes') ?? intValues(constant(node.input[1]));
    if (axes) {
      const rank = x.rank + axes.length;
      const added = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
      const kept = Array.from({ length: rank }, (_, i) => i).filter((i) => !added.has(i));
      set(node.output[0], { rank, tracks: x.tracks.map((t) => ({ ...t, axis: kept[t.axis]! })) });
    }
  } else if (x && op === 'Squeeze') {
    const axes = ints(node, 'axes') ?? intValues(constant(node.input[1]));
    if (axes) {
      const removed = new Set(axes.map((a) => (a < 0 ? a + x.rank : a)));
      const tracks = x.tracks.filter((t) => !removed.has(t.axis)).map((t) => ({ ...t, axis: t.axis - [...removed].filter((r) => r < t.axis).length }));
      set(node.output[0], { rank: x.rank - removed.size, tracks });
    }
  } else if (x && op === 'Transpose') {
    const perm = ints(node, 'perm') ?? Array.from({ length: x.rank }, (_, i) => x.rank - 1 - i);
    set(node.output[0], { rank: x.rank, tracks: x.tracks.map((t) => ({ ...t, axis: perm.indexOf(t.axis) })).filter((t) => t.axis >= 0) });
  } else if (x && op === 'Reshape') {
    set(node.output[0], reshaped(x, intValues(constant(node.input[1]))));
  } else if (x && op === 'MatMul') {
    // Leading axes of the left operand (rows, batch) carry through; its last axis is contracted.
    set(node.output[0], { rank: x.rank, tracks: x.tracks.filter((t) => t.axis < x.rank - 1) });
  } else if (x && op === 'STFT') {
    stft(node, x, constant, need);
  }
}

/** Conv and pooling: the window must fit in the (padded) axis; strides scale the axes below. */
function windowed(node: Node, x: Tracked, constant: Constant, need: Need): Tracked {
  const weight = constant(node.input[1]);
  const spatial = x.rank - 2;
  const kernel = ints(node, 'kernel_shape') ?? (weight && ['Conv', 'ConvInteger'].includes(node.op_type ?? '') ? weight.dims.slice(2).map(Number) : undefined);
  const strides = ints(node, 'strides');
  const dilations = ints(node, 'dilations');
  const pads = ints(node, 'pads');
  const autoPad = node.attribute.find((a) => a.name === 'auto_pad')?.s;
  const same = autoPad ? new TextDecoder().decode(autoPad).startsWith('SAME') : false;
  const tracks = x.tracks.map((t) => {
    if (t.axis < 2 || !kernel) return t;
    const i = t.axis - 2;
    const stride = strides?.[i] ?? 1;
    const extent = same ? 1 : Math.max(1, (dilations?.[i] ?? 1) * ((kernel[i] ?? 1) - 1) + 1 - (pads?.[i] ?? 0) - (pads?.[i + spatial] ?? 0));
    need(t, t.offset + t.factor * extent, t.factor * stride);
    const factor = t.factor * stride;
    return { ...t, factor, offset: same ? t.offset : t.offset + t.factor * (extent - stride) };
  });
  return { rank: x.rank, tracks };
}

/** A reshape keeps a leading axis copied by 0, and a trailing axis the target leaves as -1. */
function reshaped(x: Tracked, shape: number[] | undefined): Tracked | undefined {
  if (!shape) return undefined;
  const tracks = x.tracks.flatMap((t) => {
    if (t.axis === 0 && shape[0] === 0) return [{ ...t, axis: 0 }];
    if (t.axis === x.rank - 1 && shape[shape.length - 1] === -1) return [{ ...t, axis: shape.length - 1 }];
    return [];
  });
  return { rank: shape.length, tracks };
}

/** STFT frames the signal (axis 1): it must hold one frame at least. */
function stft(node: Node, x: Tracked, constant: Constant, need: Need): void {
  const frame = intValues(constant(node.input[3]))?.[0] ?? constant(node.input[2])?.dims[0];
  if (!frame) return;
  for (const t of x.tracks) if (t.axis === 1) need(t, t.offset + t.factor * Number(frame), t.factor);
}

function ints(node: Node, name: string): number[] | undefined {
  const a = node.attribute.find((x) => x.name === name);
  return a && a.ints.length ? a.ints.map(Number) : undefined;
}

/** One track per (input axis, value axis), the most demanding one: residual Adds would double them per block. */
function merged(tracks: AxisTrack[]): AxisTrack[] {
  const byKey = new Map<string, AxisTrack>();
  for (const t of tracks) {
    const key = `${t.input}\u0000${t.inputAxis}\u0000${t.axis}`;
    const seen = byKey.get(key);
    byKey.set(key, seen ? { ...t, factor: Math.max(seen.factor, t.factor), offset: Math.max(seen.offset, t.offset) } : t);
  }
  return [...byKey.values()];
}

/** Integer values of a small constant (axes, perm, a shape vector). */
export function intValues(tensor: Tensor | undefined): number[] | undefined {
  if (!tensor) return undefined;
  try {
    return Array.from(readTensor(tensor) as ArrayLike<number | bigint>, Number);
  } catch {
    return undefined;
  }
}
