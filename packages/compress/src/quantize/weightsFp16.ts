// fp16 weight storage: every large float initializer (every graph, If/Loop bodies included) stored as float16
// behind a Cast to float that keeps the weight's name, so the rest of the graph, activations included, stays fp32
// and loads in every runtime. Half the bytes at about 1e-4 relative error; serving folds the Casts back at load
// (foldConstantDequantize in @pare/onnx). A fully fp16 graph is not written: onnxruntime-web's wasm build lacks
// fp16 kernels for most ops.
import { allGraphs, DataType, elementCount, floatToHalf, halfToFloat, indexGraph, makeTensor, readTensorAsFloat32, tensorByteLength, type Model, type Node } from '@pare/onnx';
import type { Pass, PassResult } from '../passReport';
import { nameFilter } from '../prune/nameFilter';
import { makeNode, prependNodes, removeInitializer } from './graphEdit';
import { relativeError } from './quantMath';
import { startQuantization } from './quantizationStart';

export interface WeightsFp16Options {
  /** Initializer names to leave in fp32 (`*` wildcards). */
  exclude?: string[];
  /** Tensors with fewer elements stay fp32 (default 64): their bytes do not matter and the Cast costs a node. */
  minElements?: number;
}

const FP16_MAX = 65504;
const DEFAULT_MIN_ELEMENTS = 64;

export function weightsFp16(model: Model, options: WeightsFp16Options = {}): PassResult {
  const minElements = options.minElements ?? DEFAULT_MIN_ELEMENTS;
  const { model: out, report, names } = startQuantization(model, 'weightsFp16', { exclude: options.exclude ?? [], minElements }, { foldBatchNorm: false, subgraphs: true });
  const excluded = nameFilter(options.exclude);
  for (const { graph, path, depth } of allGraphs(out)) {
    const index = indexGraph(graph);
    const casts: Node[] = [];
    for (const tensor of [...graph.initializer]) {
      const name = tensor.name ?? '';
      if (tensor.data_type !== DataType.FLOAT || elementCount(tensor.dims) < minElements) continue;
      // A graph output must keep its type (an IR < 4 input entry of a weight goes, as in the other passes).
      if (index.graphOutputs.has(name)) continue;
      const hit = excluded(name);
      if (hit) { report.skipped.push({ name, reason: `excluded by "${hit}"` }); continue; }
      const values = readTensorAsFloat32(tensor);
      let absMax = 0;
      for (let i = 0; i < values.length; i++) absMax = Math.max(absMax, Math.abs(values[i]!));
      if (!(absMax <= FP16_MAX)) { report.skipped.push({ name, reason: `values up to ${absMax.toPrecision(3)} exceed the fp16 range (±65504)` }); continue; }
      const half = new Uint16Array(values.length);
      const restored = new Float32Array(values.length);
      for (let i = 0; i < values.length; i++) { half[i] = floatToHalf(values[i]!); restored[i] = halfToFloat(half[i]!); }
      const stored = makeTensor(names.fresh(`${name}_fp16`), DataType.FLOAT16, tensor.dims, half);
      removeInitializer(graph, name);
      graph.initializer.push(stored);
      casts.push(makeNode('Cast', [stored.name!], [name], names.fresh(`${name}_Cast`), { to: DataType.FLOAT }));
      report.tensors.push({
        name, shapeBefore: [...tensor.dims], shapeAfter: [...tensor.dims], bytesBefore: tensorByteLength(tensor), bytesAfter: tensorByteLength(stored),
        detail: { dtype: 'float16', relativeError: Number(relativeError(values, restored).toPrecision(3)), ...(depth > 0 ? { graph: path } : {}) },
      });
    }
    prependNodes(graph, casts);
  }
  report.notes.push(`${report.tensors.length} weight tensor(s) stored as float16 behind Cast(to=float); activations stay fp32.`);
  return { model: out, report };
}

weightsFp16 satisfies Pass<WeightsFp16Options>;
