import { readTensorAsFloat32, type GraphIndex, type Node } from '@pare/onnx';
import { attrInt, exclusiveUse, unitProducer, type AxisEdit, type UnitProducer } from './unitProducer';

/**
 * Everything that must change together to remove hidden units of one producer: its weight and bias,
 * per-unit parameters met on the way (BatchNormalization, LayerNorm scale, per-channel constants),
 * co-producers joined by an elementwise op (a squeeze-excite gate), depthwise convs passed through, and
 * the input side of the weight ops that consume the units.
 */
export interface UnitGroup {
  head: UnitProducer;
  coProducers: UnitProducer[];
  edits: AxisEdit[];
  /** The input-side slices of the weight ops where the units end (next layer's rows or input channels). */
  terminals: AxisEdit[];
  /** Depthwise Convs on the path: their `group` attribute becomes the kept count. */
  depthwise: Node[];
  /** Values whose unit axis shrinks (for value_info). */
  region: Set<string>;
  /** Why outputs change beyond losing the removed units (statistics over the unit axis). */
  approximate: string[];
  /** BatchNormalization directly after the head, whose per-unit scale weighs the ranking. */
  headNorm?: Node;
}

const UNARY = new Set(['Relu', 'Gelu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'Clip', 'HardSigmoid', 'HardSwish', 'Elu', 'Selu',
  'Softplus', 'Erf', 'Identity', 'Neg', 'Abs', 'Sqrt', 'Exp', 'Log', 'Reciprocal', 'Dropout', 'Cast', 'ThresholdedRelu', 'Mish']);
const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'PRelu', 'Max', 'Min']);
const CHANNEL_POOLS = new Set(['GlobalAveragePool', 'GlobalMaxPool', 'MaxPool', 'AveragePool', 'LpPool', 'GlobalLpPool']);
const REDUCE = new Set(['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceL2', 'ReduceL1', 'ReduceSumSquare', 'ReduceProd']);

export interface TraceContext {
  idx: GraphIndex;
  /** Producers already part of an accepted group (as head or co-producer). */
  claimed: Set<Node>;
  /** Rank of a value when the graph states it (value_info, inputs), for positive reduce axes. */
  rankOf: (value: string) => number | undefined;
}

/** Follow the units from `head` to every place they end; a string says why the pattern is not safe. */
export function traceUnitGroup(head: UnitProducer, ctx: TraceContext): UnitGroup | string {
  const { idx } = ctx;
  const group: UnitGroup = { head, coProducers: [], edits: [...head.edits], terminals: [], depthwise: [], region: new Set(), approximate: [] };
  const units = head.units;
  const end = head.unitAxisFromEnd;
  const visited = new Set<Node>([head.node]);
  const queue: string[] = [];
  const enter = (value: string | undefined): void => { if (value && !group.region.has(value)) { group.region.add(value); queue.push(value); } };
  const label = (n: Node): string => `"${n.name || n.output[0]}" (${n.op_type})`;
  /** Slice a per-unit parameter: along `axis` when the op defines it (BN, conv bias), else where it broadcasts onto the unit axis. */
  const sliceParam = (name: string | undefined, node: Node, axis?: number): string | undefined => {
    const t = name ? idx.initializer.get(name) : undefined;
    if (!t) return `${label(node)} takes a per-unit parameter "${name}" computed at run time`;
    const pos = axis ?? t.dims.length + end;
    if (pos < 0 || t.dims[pos] === 1) return undefined;
    if (t.dims[pos] !== units) return `${label(node)} parameter "${name}" has shape [${t.dims}], not broadcastable over ${units} units`;
    const shared = exclusiveUse(name!, idx);
    if (shared) return shared;
    group.edits.push({ tensor: name!, axis: pos });
    return undefined;
  };

  enter(head.node.output[0]);
  const pending = new Set<Node>();
  for (;;) {
    if (queue.length === 0) {
      // Joins still waiting: their other operand never became part of the units by itself, so it must
      // be a gate from another producer (squeeze-excite), or the pattern is not safe.
      const next = [...pending].find((n) => !visited.has(n));
      if (!next) break;
      pending.delete(next);
      visited.add(next);
      const why = joinBinary(next);
      if (why) return why;
      continue;
    }
    const value = queue.shift()!;
    if (idx.graphOutputs.has(value)) return `"${value}" is a graph output: its shape is part of the model's interface`;
    for (const node of idx.consumers.get(value) ?? []) {
      if (visited.has(node)) continue;
      visited.add(node);
      const op = node.op_type ?? '';
      const where = node.input.indexOf(value);
      if (node.domain && node.domain !== 'ai.onnx') return `${label(node)} is a custom-domain op`;
      if (where < 0) return `${label(node)} reads "${value}" inside a subgraph`;
      const usedOutputs = node.output.filter((o, i) => i > 0 && o && (idx.consumers.get(o)?.length || idx.graphOutputs.has(o)));
      if (usedOutputs.length > 0) return `${label(node)} has extra outputs in use`;

      if (UNARY.has(op)) {
        if (where !== 0) return `${label(node)} takes the units as a parameter`;
        enter(node.output[0]);
      } else if (BINARY.has(op)) {
        // An operand computed from these same units (x * clip(x + 3) in hard-swish) joins the region
        // later on its own path: wait for it instead of judging the node now.
        const open = node.input.filter((o) => o && !group.region.has(o) && !idx.initializer.has(o) && !unitFree(o, 0));
        if (open.some((o) => dependsOnHead(o))) { visited.delete(node); pending.add(node); continue; }
        const why = joinBinary(node);
        if (why) return why;
      } else if (op === 'BatchNormalization') {
        if (where !== 0) return `${label(node)} takes the units as a parameter`;
        if (head.unitAxisFromEnd === -1 && ctx.rankOf(value) !== 2) return `${label(node)} normalizes axis 1, which is not the unit axis here`;
        for (const p of node.input.slice(1)) { const why = sliceParam(p, node, 0); if (why) return why; }
        if (!group.headNorm && node.input[0] === head.node.output[0]) group.headNorm = node;
        enter(node.output[0]);
      } else if (op === 'LayerNormalization') {
        const axis = attrInt(node, 'axis', -1);
        if (where !== 0 || end !== -1 || (axis !== -1 && axis !== (ctx.rankOf(value) ?? 0) - 1)) return `${label(node)} does not normalize over the units alone`;
        for (const p of node.input.slice(1)) { const why = sliceParam(p, node); if (why) return why; }
        group.approximate.push(`${label(node)} normalizes over fewer units`);
        enter(node.output[0]);
      } else if (REDUCE.has(op)) {
        const axes = reduceAxes(node, idx);
        if (axes === 'unknown') return `${label(node)} has axes computed at run time`;
        const rank = end === -1 ? ctx.rankOf(value) : 1 - end;
        const fromEnd = axes?.map((a) => (a < 0 ? a : rank === undefined ? NaN : a - rank));
        if (fromEnd?.some(Number.isNaN)) return `${label(node)} reduces a positive axis of a value of unknown rank`;
        const overUnits = fromEnd === undefined || fromEnd.includes(end);
        if (attrInt(node, 'keepdims', 1) !== 1) return `${label(node)} drops axes (keepdims=0), moving the unit axis`;
        if (overUnits) group.approximate.push(`${label(node)} reduces over fewer units`);
        else enter(node.output[0]);
      } else if (CHANNEL_POOLS.has(op) && end !== -1) {
        enter(node.output[0]);
      } else if (op === 'MatMul' || op === 'Gemm') {
        if (where !== 0) return `${label(node)} reads the units as its second operand (attention?)`;
        if (op === 'Gemm' && attrInt(node, 'transA', 0) !== 0) return `${label(node)} has transA=1`;
        if (end !== -1) return `${label(node)} reads a channel-first value`;
        const w = idx.initializer.get(node.input[1] ?? '');
        const axis = op === 'Gemm' && attrInt(node, 'transB', 0) === 1 ? 1 : 0;
        if (!w || w.dims.length !== 2 || w.dims[axis] !== units) return `${label(node)} weight is not a 2-D initializer with ${units} input rows`;
        const shared = exclusiveUse(node.input[1]!, idx);
        if (shared) return shared;
        group.edits.push({ tensor: node.input[1]!, axis });
        group.terminals.push({ tensor: node.input[1]!, axis });
      } else if (op === 'Conv') {
        const why = convConsumer(node, where);
        if (why) return why;
      } else if (op === 'ConvTranspose') {
        // Its weight is [C_in, C_out/group, k…]: the units are its first axis.
        const w = idx.initializer.get(node.input[1] ?? '');
        if (where !== 0 || end === -1 || attrInt(node, 'group', 1) !== 1 || !w || w.dims[0] !== units) return `${label(node)} is not a group=1 ConvTranspose reading ${units} channels from an initializer weight`;
        const shared = exclusiveUse(node.input[1]!, idx);
        if (shared) return shared;
        group.edits.push({ tensor: node.input[1]!, axis: 0 });
        group.terminals.push({ tensor: node.input[1]!, axis: 0 });
      } else if (op === 'Resize' && end !== -1 && where === 0 && keepsChannels(node, idx)) {
        enter(node.output[0]);
      } else {
        return `${label(node)} needs the full unit layout (reshape, concat, shape…): not rewritten`;
      }
    }
  }
  return group;

  /** Check every operand of an elementwise binary node; then its output carries the units. */
  function joinBinary(node: Node): string | undefined {
    for (const other of node.input) {
      if (other === '' || group.region.has(other)) continue;
      if (idx.initializer.has(other)) { const why = sliceParam(other, node); if (why) return why; continue; }
      if (unitFree(other, 0)) continue;
      const why = joinOperand(other, node);
      if (why) return why;
    }
    enter(node.output[0]);
    return undefined;
  }

  /** Whether `v` is computed from the head's output (so it may still join the region). */
  function dependsOnHead(v: string): boolean {
    const seen = new Set<string>();
    const stack = [v];
    while (stack.length > 0) {
      const cur = stack.pop()!;
      if (seen.has(cur)) continue;
      seen.add(cur);
      const p = idx.producer.get(cur);
      if (!p) continue;
      if (p === head.node) return true;
      for (const i of p.input) if (i && !idx.initializer.has(i)) stack.push(i);
    }
    return false;
  }

  /** A Conv reading the units: group=1 ends the chain, a depthwise Conv carries it on. */
  function convConsumer(node: Node, where: number): string | undefined {
    if (where !== 0) return `${label(node)} reads the units as a weight`;
    const wName = node.input[1] ?? '';
    const w = idx.initializer.get(wName);
    if (!w) return `${label(node)} weight is computed at run time`;
    const shared = exclusiveUse(wName, idx);
    if (shared) return shared;
    const g = attrInt(node, 'group', 1);
    if (g === 1 && w.dims[1] === units) {
      group.edits.push({ tensor: wName, axis: 1 });
      group.terminals.push({ tensor: wName, axis: 1 });
      return undefined;
    }
    if (g === units && w.dims[0] === units && w.dims[1] === 1) {
      group.edits.push({ tensor: wName, axis: 0 });
      const bias = node.input[2];
      if (bias) { const why = sliceParam(bias, node, 0); if (why) return why; }
      group.depthwise.push(node);
      enter(node.output[0]);
      return undefined;
    }
    return `${label(node)} is a grouped Conv (group=${g}) whose groups do not map one-to-one onto the units`;
  }

  /**
   * An operand joined elementwise with the units: fine when it is constant along the unit axis (a
   * statistic reduced over it), or when it comes from another producer with the same units (a gate),
   * which then loses the same units. Anything else (a residual branch) makes the pattern unsafe.
   */
  function joinOperand(other: string, node: Node): string | undefined {
    if (unitFree(other, 0)) return undefined;
    const chain: string[] = [];
    let v = other;
    for (let depth = 0; depth < 6; depth++) {
      const p = idx.producer.get(v);
      if (!p || (idx.consumers.get(v)?.length ?? 0) !== 1 || idx.graphOutputs.has(v)) break;
      chain.push(v);
      const prod = unitProducer(p, idx);
      if (prod && typeof prod !== 'string') {
        if (prod.units !== units || prod.unitAxisFromEnd !== end || ctx.claimed.has(p) || visited.has(p)) break;
        group.coProducers.push(prod);
        group.edits.push(...prod.edits);
        visited.add(p);
        chain.forEach((c) => group.region.add(c));
        // The chain nodes each have one consumer (checked above), so only the join itself reads them.
        for (const c of chain) { const n = idx.producer.get(c); if (n) visited.add(n); }
        return undefined;
      }
      if (!UNARY.has(p.op_type ?? '') || p.input.slice(1).some((i) => i && !idx.initializer.has(i))) break;
      v = p.input[0]!;
    }
    return `${label(node)} joins the units with "${other}" from outside the chain (a residual connection, or a gate on another value)`;
  }

  /** True when `v` is the same for every unit: a reduction over the unit axis, or arithmetic on such values and scalars. */
  function unitFree(v: string, depth: number): boolean {
    const t = idx.initializer.get(v);
    if (t) { const pos = t.dims.length + end; return pos < 0 || t.dims[pos] === 1; }
    const p = idx.producer.get(v);
    if (!p || depth > 8) return false;
    if (REDUCE.has(p.op_type ?? '') && attrInt(p, 'keepdims', 1) === 1) {
      const axes = reduceAxes(p, idx);
      const rank = end === -1 ? ctx.rankOf(p.input[0] ?? '') : 1 - end;
      return axes === undefined || (axes !== 'unknown' && axes.some((a) => (a < 0 ? a : rank === undefined ? NaN : a - rank) === end));
    }
    if (UNARY.has(p.op_type ?? '') || BINARY.has(p.op_type ?? '')) return p.input.every((i) => !i || unitFree(i, depth + 1));
    return false;
  }
}

/**
 * A Resize that scales only spatial axes: scales (input 2 from opset 11, input 1 in opset 10) is an
 * initializer with 1 for batch and channels, and no `sizes` (which would spell out the channel count).
 */
function keepsChannels(node: Node, idx: GraphIndex): boolean {
  if (node.input[3]) return false;
  const scales = idx.initializer.get(node.input.length >= 3 ? node.input[2]! : (node.input[1] ?? ''));
  if (!scales) return false;
  const v = readTensorAsFloat32(scales);
  return v.length >= 2 && v[0] === 1 && v[1] === 1;
}

/** A Reduce node's axes (attribute before opset 18, second input after); undefined means all axes. */
function reduceAxes(node: Node, idx: GraphIndex): number[] | undefined | 'unknown' {
  const attr = node.attribute.find((a) => a.name === 'axes');
  if (attr) return attr.ints;
  const input = node.input[1];
  if (!input) return undefined;
  const t = idx.initializer.get(input);
  if (!t) return 'unknown';
  const raw = t.raw_data && t.raw_data.byteLength > 0 ? Array.from(new BigInt64Array(t.raw_data.slice().buffer), Number) : t.int64_data;
  return raw;
}
