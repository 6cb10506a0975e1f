// Store one fp32 weight as int8 behind a DequantizeLinear whose output keeps the weight's name, so every
// consumer reads the same value name as before and nothing else in the graph changes.
import { DataType, makeTensor, readTensorAsFloat32, tensorByteLength, type Graph, type Node, type Tensor } from '@pare/onnx';
import type { TensorChange } from '../passReport';
import { makeNode, removeInitializer, type NameAllocator } from './graphEdit';
import { dequantize, quantize, relativeError, weightParams, type QuantParams } from './quantMath';

export interface QuantizedTensor {
  /** The int8 values, scale and zero point initializers. */
  initializers: Tensor[];
  params: QuantParams;
  /** zeroPoint is '' for symmetric tensors (no zero-point initializer). */
  names: { quantized: string; scale: string; zeroPoint: string };
  change: TensorChange;
}

/** Quantize a float tensor's values into new int8 initializers (the caller wires them in). */
export function quantizeTensor(
  tensor: Tensor, values: Float32Array, dims: readonly number[],
  options: { axis?: number; symmetric: boolean }, names: NameAllocator,
): QuantizedTensor {
  const name = tensor.name ?? 'weight';
  const params = weightParams(values, dims, options);
  const q = quantize(values, dims, params);
  const perChannel = options.axis !== undefined;
  const quantizedName = names.fresh(`${name}_quantized`);
  const scaleName = names.fresh(`${name}_scale`);
  // Symmetric weights have zero point 0, DequantizeLinear's default: no zero-point tensor to store.
  const zeroPointName = options.symmetric ? '' : names.fresh(`${name}_zero_point`);
  // Per-tensor parameters are scalars; per-axis parameters are 1-D with one entry per channel (ONNX DequantizeLinear).
  const paramDims = perChannel ? [params.scale.length] : [];
  const initializers = [
    makeTensor(quantizedName, DataType.INT8, dims, q),
    makeTensor(scaleName, DataType.FLOAT, paramDims, params.scale),
    ...(zeroPointName ? [makeTensor(zeroPointName, DataType.INT8, paramDims, Int8Array.from(params.zeroPoint))] : []),
  ];
  const restored = dequantize(q, dims, params);
  const scales = Array.from(params.scale);
  const change: TensorChange = {
    name, shapeBefore: [...tensor.dims], shapeAfter: [...tensor.dims],
    bytesBefore: tensorByteLength(tensor),
    bytesAfter: initializers.reduce((n, t) => n + tensorByteLength(t), 0),
    detail: {
      dtype: 'int8',
      granularity: perChannel ? `per-channel(axis ${options.axis})` : 'per-tensor',
      symmetric: options.symmetric,
      scale: perChannel ? `${fmt(Math.min(...scales))}..${fmt(Math.max(...scales))}` : fmt(scales[0]!),
      ...(options.symmetric || perChannel ? {} : { zeroPoint: params.zeroPoint[0]! }),
      relativeError: Number(relativeError(values, restored).toPrecision(3)),
    },
  };
  return { initializers, params, names: { quantized: quantizedName, scale: scaleName, zeroPoint: zeroPointName }, change };
}

/**
 * Replace the initializer `tensor` of `graph` by int8 + DequantizeLinear. Returns the DQ node (to be placed
 * before its consumers) and the report entry. Mutates `graph` (a copy the pass owns).
 */
export function dequantizedWeight(
  graph: Graph, tensor: Tensor, options: { axis?: number; symmetric: boolean }, names: NameAllocator,
): { node: Node; change: TensorChange } {
  const name = tensor.name!;
  const values = readTensorAsFloat32(tensor);
  const qt = quantizeTensor(tensor, values, tensor.dims, options, names);
  removeInitializer(graph, name);
  graph.initializer.push(...qt.initializers);
  const attrs: Record<string, number> = options.axis !== undefined ? { axis: options.axis } : {};
  const inputs = [qt.names.quantized, qt.names.scale, ...(qt.names.zeroPoint ? [qt.names.zeroPoint] : [])];
  const node = makeNode('DequantizeLinear', inputs, [name], names.fresh(`${name}_DequantizeLinear`), attrs);
  return { node, change: qt.change };
}

function fmt(x: number): string {
  return x.toPrecision(4);
}
