// Raise a model's default-domain opset (to 13 by default), rewriting the operators whose signature changed
// on the way: attributes that became inputs (Slice, Clip, Squeeze, Unsqueeze, Split, ReduceSum, Pad, TopK),
// Softmax's 2-D coercion, Upsample → Resize. Quantization needs it: per-axis QuantizeLinear/DequantizeLinear
// exist from opset 13, and exporters (paddle2onnx) still write opset 9–11. An operator whose change is not
// handled here is refused by name rather than silently reinterpreted under the new opset.
import { PareError } from '@pare/errors';
import { DataType } from './dataType';
import { attribute } from './graphBuilder';
import { allGraphs, opsetVersion } from './graphWalk';
import { makeTensor } from './tensorData';
import type { Graph, Model, Node } from './types';

export interface UpgradeOpsetReport { from: number; to: number; rewritten: Record<string, number> }

/** Operators whose meaning is the same from opset 9 through 13 (new types or optional attributes only). */
const UNCHANGED = new Set((
  'Abs Acos Acosh Add And ArgMax ArgMin Asin Asinh Atan Atanh AveragePool BatchNormalization Cast Ceil Concat Constant ' +
  'ConstantOfShape Conv ConvTranspose Cos Cosh CumSum DepthToSpace Div Einsum Elu Equal Erf Exp Expand EyeLike Flatten Floor ' +
  'GRU Gather GatherElements GatherND Gemm GlobalAveragePool GlobalLpPool GlobalMaxPool Greater GreaterOrEqual HardSigmoid ' +
  'Identity If InstanceNormalization IsInf IsNaN LRN LSTM LeakyRelu Less LessOrEqual Log Loop LpNormalization LpPool MatMul ' +
  'Max MaxPool MaxRoiPool MaxUnpool Mean Min Mod Mul Neg NonMaxSuppression NonZero Not OneHot Or PRelu Pow RNN Range ' +
  'Reciprocal ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp ReduceMax ReduceMean ReduceMin ReduceProd ReduceSumSquare Relu ' +
  'Reshape RoiAlign Round ScatterElements ScatterND Selu Shape Shrink Sigmoid Sign Sin Sinh Size Softplus Softsign ' +
  'SpaceToDepth Sqrt Sub Sum Tan Tanh ThresholdedRelu Tile Transpose Where Xor Compress MeanVarianceNormalization ' +
  // Rewritten below only when older than the version that changed them; newer ones pass unchanged.
  'Slice Clip TopK Pad Resize'
).split(' '));

export function upgradeOpset(model: Model, target = 13): { model: Model; report: UpgradeOpsetReport } {
  const from = opsetVersion(model, '') ?? 1;
  if (target > 13) throw new PareError('opset_upgrade_unsupported', `upgradeOpset goes up to opset 13; ${target} was asked for.`);
  const out = structuredClone(model);
  const report: UpgradeOpsetReport = { from, to: Math.max(from, target), rewritten: {} };
  if (from >= target) return { model: out, report };
  if (from < 9) throw new PareError('opset_upgrade_unsupported', `Upgrading from opset ${from} is not supported (9 or newer); re-export the model.`);
  const used = new Set<string>();
  for (const { graph } of allGraphs(out)) {
    for (const t of graph.initializer) used.add(t.name ?? '');
    for (const n of graph.node) { n.output.forEach((o) => used.add(o)); if (n.name) used.add(n.name); }
  }
  const fresh = (base: string): string => { let n = base; for (let i = 1; used.has(n); i++) n = `${base}_${i}`; used.add(n); return n; };
  for (const { graph } of allGraphs(out)) {
    const nodes: Node[] = [];
    for (const node of graph.node) {
      if (node.domain && node.domain !== 'ai.onnx') { nodes.push(node); continue; }
      const op = node.op_type ?? '';
      const rewritten = rewrite(node, graph, from, fresh);
      if (rewritten) { report.rewritten[op] = (report.rewritten[op] ?? 0) + 1; nodes.push(...rewritten); continue; }
      if (!UNCHANGED.has(op)) {
        throw new PareError('opset_upgrade_unsupported', `Cannot upgrade operator ${op} (node "${node.name ?? ''}") from opset ${from} to ${target}: its definition changed and no rewrite is known.`);
      }
      nodes.push(node);
    }
    graph.node = nodes;
  }
  for (const o of out.opset_import) if (!o.domain || o.domain === 'ai.onnx') o.version = target;
  out.ir_version = Math.max(out.ir_version ?? 7, 7);
  return { model: out, report };
}

type Fresh = (base: string) => string;

function rewrite(node: Node, graph: Graph, from: number, fresh: Fresh): Node[] | undefined {
  const op = node.op_type;
  const base = node.name || node.output[0] || op || 'node';
  const intsInput = (attr: string, required: boolean): string | undefined => {
    const a = take(node, attr);
    if (!a) { if (required) throw new PareError('onnx_invalid', `${op} node "${base}" has no ${attr} attribute.`); return undefined; }
    const name = fresh(`${base}_${attr}`);
    graph.initializer.push(makeTensor(name, DataType.INT64, [a.ints.length], a.ints));
    return name;
  };
  switch (op) {
    case 'Slice': {
      if (from >= 10) return undefined;
      const starts = intsInput('starts', true)!, ends = intsInput('ends', true)!, axes = intsInput('axes', false);
      node.input = [node.input[0]!, starts, ends, ...(axes ? [axes] : [])];
      return [node];
    }
    case 'Clip': {
      if (from >= 11) return undefined;
      const bound = (attr: string): string => {
        const a = take(node, attr);
        if (!a) return '';
        const name = fresh(`${base}_${attr}`);
        graph.initializer.push(makeTensor(name, DataType.FLOAT, [], [a.f ?? 0]));
        return name;
      };
      const lo = bound('min'), hi = bound('max');
      node.input = [node.input[0]!, lo, hi];
      while (node.input.length > 1 && node.input[node.input.length - 1] === '') node.input.pop();
      return [node];
    }
    case 'Squeeze': case 'Unsqueeze': case 'ReduceSum': {
      const axes = intsInput('axes', op === 'Unsqueeze');
      if (axes) node.input = [node.input[0]!, axes];
      return [node];
    }
    case 'Split': {
      const split = intsInput('split', false);
      if (split) node.input = [node.input[0]!, split];
      return [node];
    }
    case 'TopK': {
      if (from >= 10) return undefined;
      const k = take(node, 'k');
      const name = fresh(`${base}_k`);
      graph.initializer.push(makeTensor(name, DataType.INT64, [1], [k?.i ?? 0]));
      node.input = [node.input[0]!, name];
      return [node];
    }
    case 'Pad': {
      if (from >= 11) return undefined;
      const pads = intsInput('pads', true)!;
      const value = take(node, 'value');
      const inputs = [node.input[0]!, pads];
      if (value && value.f) {
        const v = fresh(`${base}_value`);
        graph.initializer.push(makeTensor(v, DataType.FLOAT, [], [value.f]));
        inputs.push(v);
      }
      node.input = inputs;
      return [node];
    }
    case 'Dropout':
      // Inference: Dropout is the identity at every opset; the ratio attribute became an input in 12.
      take(node, 'ratio');
      take(node, 'is_test');
      return [node];
    case 'Softmax': case 'LogSoftmax': case 'Hardmax': {
      // Before 13 these flatten to 2-D at `axis` (default 1); from 13 they work along one axis. Same result when
      // axis is -1; otherwise Flatten → op(axis -1) → Reshape back keeps the old meaning for any rank.
      const a = take(node, 'axis');
      const axis = a?.i ?? 1;
      if (axis === -1) return [node];
      const flat = fresh(`${base}_flat`), soft = fresh(`${base}_2d`), shape = fresh(`${base}_shape`);
      const mk = (o: string, ins: string[], outs: string[], attrs: Node['attribute'] = []): Node =>
        ({ op_type: o, input: ins, output: outs, name: fresh(`${base}_${o}`), domain: '', attribute: attrs, metadata_props: [] });
      return [
        mk('Flatten', [node.input[0]!], [flat], [attribute('axis', axis)]),
        mk(op, [flat], [soft], [attribute('axis', -1)]),
        mk('Shape', [node.input[0]!], [shape]),
        mk('Reshape', [soft, shape], [node.output[0]!]),
      ];
    }
    case 'Upsample': case 'Resize': {
      if (op === 'Resize' && from >= 11) return undefined;
      // Upsample (≤ 9) and Resize-10 scale with asymmetric coordinates and floor rounding: say so explicitly.
      const mode = node.attribute.find((x) => x.name === 'mode');
      const m = mode?.s ? new TextDecoder().decode(mode.s) : 'nearest';
      node.op_type = 'Resize';
      node.input = [node.input[0]!, '', node.input[1]!];
      node.attribute = [attribute('mode', m === 'bilinear' ? 'linear' : m), attribute('coordinate_transformation_mode', 'asymmetric'), attribute('nearest_mode', 'floor')];
      return [node];
    }
    default:
      return undefined;
  }
}

function take(node: Node, name: string) {
  const i = node.attribute.findIndex((a) => a.name === name);
  if (i < 0) return undefined;
  return node.attribute.splice(i, 1)[0];
}
