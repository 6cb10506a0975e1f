import { PareError } from '@pare/errors';
import { DataType, byteSize, dataTypeName } from './dataType';
import type { Tensor } from './types';

/** Values of a tensor in the natural typed array of its element type (half floats as raw Uint16 bits). */
export type TensorValues =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array;

export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

export function isExternal(tensor: Tensor): boolean {
  return tensor.data_location === 1 || tensor.external_data.length > 0;
}

type TypedArrayCtor = { new (n: number): TensorValues; new (b: ArrayBuffer, o?: number, n?: number): TensorValues };

function arrayClass(type: number): TypedArrayCtor {
  switch (type) {
    case DataType.FLOAT: return Float32Array as unknown as TypedArrayCtor;
    case DataType.DOUBLE: return Float64Array as unknown as TypedArrayCtor;
    case DataType.INT8: return Int8Array as unknown as TypedArrayCtor;
    case DataType.UINT8: case DataType.BOOL: return Uint8Array as unknown as TypedArrayCtor;
    case DataType.INT16: return Int16Array as unknown as TypedArrayCtor;
    case DataType.UINT16: case DataType.FLOAT16: case DataType.BFLOAT16: return Uint16Array as unknown as TypedArrayCtor;
    case DataType.INT32: return Int32Array as unknown as TypedArrayCtor;
    case DataType.UINT32: return Uint32Array as unknown as TypedArrayCtor;
    case DataType.INT64: return BigInt64Array as unknown as TypedArrayCtor;
    case DataType.UINT64: return BigUint64Array as unknown as TypedArrayCtor;
    default:
      throw new PareError('onnx_unsupported_dtype', `Tensor data of type ${dataTypeName(type)} cannot be read as numbers.`);
  }
}

/**
 * Read a tensor's values whatever storage form it uses: raw_data (little-endian) or the typed fields
 * (float_data, int32_data, int64_data, double_data, uint64_data). External data must be inlined first.
 */
export function readTensor(tensor: Tensor): TensorValues {
  const type = tensor.data_type ?? 0;
  const count = elementCount(tensor.dims);
  if (isExternal(tensor)) {
    throw new PareError('onnx_external_data', `Tensor "${tensor.name}" keeps its data in an external file; load the model with its external data first.`);
  }
  const Ctor = arrayClass(type);
  if (tensor.raw_data && tensor.raw_data.byteLength > 0) {
    const size = byteSize(type);
    if (tensor.raw_data.byteLength !== count * size) {
      throw new PareError('onnx_invalid', `Tensor "${tensor.name}" has ${tensor.raw_data.byteLength} bytes of raw_data; its shape [${tensor.dims}] needs ${count * size}.`);
    }
    // Copy into a fresh, aligned buffer: raw_data is a view at any offset inside the decoded file, and in Node
    // it is a Buffer, whose slice() is another view of the whole file rather than a copy.
    const copy = new Uint8Array(tensor.raw_data.byteLength);
    copy.set(tensor.raw_data);
    return new Ctor(copy.buffer, 0, count);
  }
  const out = new Ctor(count);
  const source = typedFieldOf(tensor, type);
  if (source.length !== count) {
    const what = source.length === 0 ? 'no data' : `${source.length} values`;
    throw new PareError('onnx_invalid', `Tensor "${tensor.name}" holds ${what}; its shape [${tensor.dims}] needs ${count}.`);
  }
  if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
    for (let i = 0; i < count; i++) out[i] = BigInt(source[i]!);
  } else {
    for (let i = 0; i < count; i++) out[i] = source[i]!;
  }
  return out;
}

function typedFieldOf(tensor: Tensor, type: number): number[] {
  switch (type) {
    case DataType.FLOAT: return tensor.float_data;
    case DataType.DOUBLE: return tensor.double_data;
    case DataType.INT64: return tensor.int64_data;
    case DataType.UINT32: case DataType.UINT64: return tensor.uint64_data;
    default: return tensor.int32_data;
  }
}

/** A tensor's values as float32, converting from any numeric type (half floats decoded). */
export function readTensorAsFloat32(tensor: Tensor): Float32Array {
  const values = readTensor(tensor);
  if (values instanceof Float32Array) return values;
  const out = new Float32Array(values.length);
  if (tensor.data_type === DataType.FLOAT16) for (let i = 0; i < out.length; i++) out[i] = halfToFloat(values[i] as number);
  else if (tensor.data_type === DataType.BFLOAT16) for (let i = 0; i < out.length; i++) out[i] = bfloat16ToFloat(values[i] as number);
  else for (let i = 0; i < out.length; i++) out[i] = Number(values[i]);
  return out;
}

/** Make a tensor that stores its values as little-endian raw_data (the form exporters write). */
export function makeTensor(name: string, dataType: number, dims: readonly number[], values: TensorValues | readonly number[]): Tensor {
  const count = elementCount(dims);
  if (values.length !== count) {
    throw new PareError('onnx_invalid', `Tensor "${name}": ${values.length} values for shape [${dims}] (${count} elements).`);
  }
  const Ctor = arrayClass(dataType);
  const typed = values instanceof Ctor ? (values as TensorValues) : fill(new Ctor(count), values);
  const raw = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength).slice();
  return {
    name, data_type: dataType, dims: [...dims], raw_data: raw,
    float_data: [], int32_data: [], string_data: [], int64_data: [], double_data: [], uint64_data: [],
    external_data: [], metadata_props: [],
  };
}

function fill(target: TensorValues, values: TensorValues | readonly number[]): TensorValues {
  if (target instanceof BigInt64Array || target instanceof BigUint64Array) {
    for (let i = 0; i < values.length; i++) target[i] = BigInt(values[i] as number | bigint);
  } else {
    for (let i = 0; i < values.length; i++) (target as Float32Array)[i] = Number(values[i]);
  }
  return target;
}

/** Bytes of the tensor's values: raw_data's length, else element count × element size (strings: their bytes). */
export function tensorByteLength(tensor: Tensor): number {
  // An empty raw_data next to typed fields means the typed fields hold the values.
  if (tensor.raw_data && tensor.raw_data.byteLength > 0) return tensor.raw_data.byteLength;
  const size = byteSize(tensor.data_type);
  return size > 0 ? elementCount(tensor.dims) * size : tensor.string_data.reduce((n, s) => n + s.byteLength, 0);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → IEEE half bits, rounding to nearest even; beyond ±65504 gives ±Infinity, as a hardware cast does. */
export function floatToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half: shift the full significand down, rounding to nearest even.
    if (e < -10) return sign;
    const full = mantissa | 0x800000;
    const shift = 14 - e;
    const half = full >>> shift;
    const rest = full & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (rest > mid || (rest === mid && (half & 1)) ? half + 1 : half);
  }
  const half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa steps the exponent up, which is the correctly rounded value (or Infinity).
  return sign | (rest > 0x1000 || (rest === 0x1000 && (half & 1)) ? half + 1 : half);
}

export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function bfloat16ToFloat(b: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, b << 16);
  return view.getFloat32(0);
}
