// What a model's graph needs of generated inputs: dynamic axes long enough for the kernels and windows that
// consume them (a 512-tap audio conv cannot run on 64 samples), sides that survive every stride of the net,
// and integer inputs inside the tables they index (token ids below the embedding's row count). Read from the
// main graph; a need it cannot see is left to the trial run in generatedInputsThatRun.ts, which grows sizes.
import { constantsToInitializers, indexGraph, topologicalOrder, type Model, type Node, type Tensor } from '@pare/onnx';
import { intValues, trackNode, type AxisTrack, type Tracked } from './axisTracking';
import type { InputHints } from './generateInputs';

/** Ops whose output is their first input reshaped or re-typed without changing the values used as indices. */
const INDEX_CARRIERS = new Set(['Cast', 'Identity', 'Unsqueeze', 'Squeeze', 'Reshape', 'Flatten', 'Expand']);

export function inputHints(model: Model): InputHints {
  const hints: InputHints = { inputs: {}, dims: metadataDims(model) };
  if (!model.graph) return hints;
  // Exporters often hold kernels and shape vectors in Constant nodes; as initializers they are readable here.
  const graph = constantsToInitializers(model).model.graph!;
  const index = indexGraph(graph);
  const tracked = new Map<string, Tracked>();
  const indexSource = new Map<string, string>();
  for (const input of graph.input) {
    const name = input.name ?? '';
    if (index.initializer.has(name)) continue;
    const dims = input.type?.tensor_type?.shape?.dim ?? [];
    hints.inputs[name] = { minDims: dims.map(() => 0), multiples: dims.map(() => 1) };
    const tracks: AxisTrack[] = dims.map((_, axis) => ({ input: name, inputAxis: axis, axis, factor: 1, offset: 0 }));
    tracked.set(name, { rank: dims.length, tracks });
    indexSource.set(name, name);
  }
  const need = (t: AxisTrack, size: number, multiple: number): void => {
    const hint = hints.inputs[t.input]!;
    hint.minDims[t.inputAxis] = Math.max(hint.minDims[t.inputAxis]!, Math.ceil(size));
    hint.multiples[t.inputAxis] = Math.max(hint.multiples[t.inputAxis]!, Math.round(multiple));
  };
  const constant = (name: string | undefined): Tensor | undefined => (name ? index.initializer.get(name) : undefined);
  for (const node of topologicalOrder(graph)) {
    trackNode(node, tracked, constant, need);
    carryIndices(node, indexSource, constant, hints);
  }
  return hints;
}

/** Follow integer inputs to the Gathers that index a table with them. */
function carryIndices(node: Node, source: Map<string, string>, constant: (name: string | undefined) => Tensor | undefined, hints: InputHints): void {
  if (INDEX_CARRIERS.has(node.op_type ?? '')) {
    const from = source.get(node.input[0] ?? '');
    if (from) source.set(node.output[0]!, from);
    return;
  }
  if (node.op_type === 'Equal') {
    const [a, b] = node.input;
    const from = source.get(a ?? '') ?? source.get(b ?? '');
    const value = intValues(constant(source.has(a ?? '') ? b : a));
    if (from && value?.length === 1 && hints.inputs[from]!.intValue === undefined) hints.inputs[from]!.intValue = value[0]!;
    return;
  }
  if (node.op_type !== 'Gather') return;
  const from = source.get(node.input[1] ?? '');
  const table = constant(node.input[0]);
  if (!from || !table) return;
  const axisAttr = node.attribute.find((a) => a.name === 'axis')?.i;
  const axis = Number(axisAttr ?? 0);
  const rows = table.dims[axis < 0 ? axis + table.dims.length : axis];
  if (rows === undefined || rows <= 0) return;
  const hint = hints.inputs[from]!;
  hint.intRange = [0, Math.min(hint.intRange?.[1] ?? Infinity, Number(rows))];
}

function metadataDims(model: Model): Record<string, number> {
  const names = new Set((model.graph?.input ?? []).flatMap((i) => (i.type?.tensor_type?.shape?.dim ?? []).map((d) => d.dim_param).filter((p): p is string => !!p)));
  const dims: Record<string, number> = {};
  for (const { key, value } of model.metadata_props) {
    const size = Number(value);
    if (key && names.has(key) && Number.isInteger(size) && size > 0) dims[key] = size;
  }
  return dims;
}
