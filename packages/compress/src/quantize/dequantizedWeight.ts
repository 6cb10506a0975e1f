// Store one fp32 weight as int8 behind a DequantizeLinear whose output keeps the weight's name, so every
// consumer reads the same value name as before and nothing else in the graph changes.
import { DataType, makeTensor, readTensorAsFloat32, tensorByteLength, type Graph, type Node, type Tensor } from '@pare/onnx';
import type { TensorChange } from '../passReport';
import { makeNode, removeInitializer, type NameAllocator } from './graphEdit';
import { dequantize, quantizeMeasured, weightParams, type QuantParams } from './quantMath';

export interface QuantizedTensor {
  /** The int8 values, scale and zero point initializers. */
  initializers: Tensor[];
  params: QuantParams;
  /** The stored integers (also in initializers[0]). */
  q: Int8Array | Uint8Array;
  /** zeroPoint is '' for symmetric tensors (no zero-point initializer). */
  names: { quantized: string; scale: string; zeroPoint: string };
  change: TensorChange;
}

/**
 * Symmetric (zero point 0, no zero-point tensor) or asymmetric weights; 'auto' decides per tensor:
 * - a tensor with at least AUTO_SPARSE_FRACTION exact zeros (pruned) is symmetric, so every zero is the byte 0x00
 *   whatever the channel: with per-channel zero points the zeros of each channel are a different byte and gzip
 *   sees no common symbol (PP-OCRv4 det, 50% pruned, weight-only: 0.208 of fp32 gzipped asymmetric, 0.172 symmetric);
 * - otherwise asymmetric only where it cuts the weight error to at most AUTO_ASYMMETRIC_GAIN of the symmetric
 *   error (skewed layers, e.g. all-negative conv weights, where it halves it); elsewhere the zero points are
 *   bytes (one per channel, plus a tensor) that buy next to nothing.
 */
export type Symmetry = boolean | 'auto';
const AUTO_SPARSE_FRACTION = 0.2;
const AUTO_ASYMMETRIC_GAIN = 0.8;

/** Quantize a float tensor's values into new int8 initializers (the caller wires them in). */
export function quantizeTensor(
  tensor: Tensor, values: Float32Array, dims: readonly number[],
  options: { axis?: number; symmetric: Symmetry }, names: NameAllocator,
): QuantizedTensor {
  const name = tensor.name ?? 'weight';
  const choice = chooseSymmetry(values, dims, options.axis, options.symmetric);
  const { params, q, error } = choice;
  const symmetric = choice.symmetric;
  const perChannel = options.axis !== undefined;
  const quantizedName = names.fresh(`${name}_quantized`);
  const scaleName = names.fresh(`${name}_scale`);
  // Symmetric weights have zero point 0, DequantizeLinear's default: no zero-point tensor to store.
  const zeroPointName = symmetric ? '' : names.fresh(`${name}_zero_point`);
  // Per-tensor parameters are scalars; per-axis parameters are 1-D with one entry per channel (ONNX DequantizeLinear).
  const paramDims = perChannel ? [params.scale.length] : [];
  const initializers = [
    makeTensor(quantizedName, DataType.INT8, dims, q),
    makeTensor(scaleName, DataType.FLOAT, paramDims, params.scale),
    ...(zeroPointName ? [makeTensor(zeroPointName, DataType.INT8, paramDims, Int8Array.from(params.zeroPoint))] : []),
  ];
  const scales = Array.from(params.scale);
  const change: TensorChange = {
    name, shapeBefore: [...tensor.dims], shapeAfter: [...tensor.dims],
    bytesBefore: tensorByteLength(tensor),
    bytesAfter: initializers.reduce((n, t) => n + tensorByteLength(t), 0),
    detail: {
      dtype: 'int8',
      granularity: perChannel ? `per-channel(axis ${options.axis})` : 'per-tensor',
      symmetric,
      ...(choice.why ? { symmetryChoice: choice.why } : {}),
      scale: perChannel ? `${fmt(Math.min(...scales))}..${fmt(Math.max(...scales))}` : fmt(scales[0]!),
      ...(symmetric || perChannel ? {} : { zeroPoint: params.zeroPoint[0]! }),
      relativeError: Number(error.toPrecision(3)),
    },
  };
  return { initializers, params, q, names: { quantized: quantizedName, scale: scaleName, zeroPoint: zeroPointName }, change };
}

function chooseSymmetry(values: Float32Array, dims: readonly number[], axis: number | undefined, wanted: Symmetry) {
  const attempt = (symmetric: boolean) => {
    const params = weightParams(values, dims, { axis, symmetric });
    return { symmetric, params, ...quantizeMeasured(values, dims, params) };
  };
  if (wanted !== 'auto') return { ...attempt(wanted), why: undefined };
  let zeros = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
  if (values.length > 0 && zeros / values.length >= AUTO_SPARSE_FRACTION) {
    return { ...attempt(true), why: `auto: ${Math.round((100 * zeros) / values.length)}% zeros, stored as 0x00` };
  }
  const sym = attempt(true);
  const asym = attempt(false);
  return asym.error <= AUTO_ASYMMETRIC_GAIN * sym.error
    ? { ...asym, why: `auto: asymmetric error ${fmt(asym.error)} vs symmetric ${fmt(sym.error)}` }
    : { ...sym, why: `auto: symmetric error ${fmt(sym.error)} vs asymmetric ${fmt(asym.error)}` };
}

/**
 * Replace the initializer `tensor` of `graph` by int8 + DequantizeLinear. Returns the DQ node (to be placed
 * before its consumers) and the report entry. Mutates `graph` (a copy the pass owns).
 */
export function dequantizedWeight(
  graph: Graph, tensor: Tensor, options: { axis?: number; symmetric: Symmetry }, names: NameAllocator,
): { node: Node; change: TensorChange; original: Float32Array; restored: () => Float32Array } {
  const name = tensor.name!;
  const values = readTensorAsFloat32(tensor);
  const qt = quantizeTensor(tensor, values, tensor.dims, options, names);
  removeInitializer(graph, name);
  graph.initializer.push(...qt.initializers);
  const attrs: Record<string, number> = options.axis !== undefined ? { axis: options.axis } : {};
  const inputs = [qt.names.quantized, qt.names.scale, ...(qt.names.zeroPoint ? [qt.names.zeroPoint] : [])];
  const node = makeNode('DequantizeLinear', inputs, [name], names.fresh(`${name}_DequantizeLinear`), attrs);
  return { node, change: qt.change, original: values, restored: () => dequantize(qt.q, tensor.dims, qt.params) };
}

function fmt(x: number): string {
  return x.toPrecision(4);
}
