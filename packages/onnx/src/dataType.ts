import { PareError } from '@pare/errors';

/** TensorProto.DataType values from the ONNX spec. */
export const DataType = {
  UNDEFINED: 0, FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9,
  FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13, COMPLEX64: 14, COMPLEX128: 15, BFLOAT16: 16,
  FLOAT8E4M3FN: 17, FLOAT8E4M3FNUZ: 18, FLOAT8E5M2: 19, FLOAT8E5M2FNUZ: 20, UINT4: 21, INT4: 22,
  FLOAT4E2M1: 23, FLOAT8E8M0: 24, UINT2: 25, INT2: 26,
} as const;
const NAMES = new Map<number, string>(Object.entries(DataType).map(([k, v]) => [v, k.toLowerCase()]));

/** onnxruntime's names for element types (what `Tensor.type` reports). */
const ORT_NAMES: Record<number, string> = {
  [DataType.FLOAT]: 'float32', [DataType.UINT8]: 'uint8', [DataType.INT8]: 'int8', [DataType.UINT16]: 'uint16',
  [DataType.INT16]: 'int16', [DataType.INT32]: 'int32', [DataType.INT64]: 'int64', [DataType.STRING]: 'string',
  [DataType.BOOL]: 'bool', [DataType.FLOAT16]: 'float16', [DataType.DOUBLE]: 'float64', [DataType.UINT32]: 'uint32',
  [DataType.UINT64]: 'uint64', [DataType.INT4]: 'int4', [DataType.UINT4]: 'uint4',
};

/** Bytes per element for fixed-size types; 0 for strings and sub-byte types. */
const BYTE_SIZES: Record<number, number> = {
  [DataType.FLOAT]: 4, [DataType.UINT8]: 1, [DataType.INT8]: 1, [DataType.UINT16]: 2, [DataType.INT16]: 2,
  [DataType.INT32]: 4, [DataType.INT64]: 8, [DataType.BOOL]: 1, [DataType.FLOAT16]: 2, [DataType.DOUBLE]: 8,
  [DataType.UINT32]: 4, [DataType.UINT64]: 8, [DataType.COMPLEX64]: 8, [DataType.COMPLEX128]: 16,
  [DataType.BFLOAT16]: 2, [DataType.FLOAT8E4M3FN]: 1, [DataType.FLOAT8E4M3FNUZ]: 1, [DataType.FLOAT8E5M2]: 1,
  [DataType.FLOAT8E5M2FNUZ]: 1, [DataType.FLOAT8E8M0]: 1,
};

export function dataTypeName(type: number | undefined): string {
  return NAMES.get(type ?? 0) ?? `unknown(${type})`;
}

export function ortTypeName(type: number | undefined): string {
  const name = ORT_NAMES[type ?? 0];
  if (!name) throw new PareError('onnx_unsupported_dtype', `Element type ${dataTypeName(type)} has no onnxruntime tensor type.`);
  return name;
}

export function dataTypeFromOrtName(name: string): number {
  for (const [k, v] of Object.entries(ORT_NAMES)) if (v === name) return Number(k);
  throw new PareError('onnx_unsupported_dtype', `Unknown element type "${name}"; expected one of ${Object.values(ORT_NAMES).join(', ')}.`);
}

/** Bytes per element, or 0 where the type has no fixed byte size (string, 4-bit and 2-bit types). */
export function byteSize(type: number | undefined): number {
  return BYTE_SIZES[type ?? 0] ?? 0;
}

export function isFloatType(type: number | undefined): boolean {
  return type === DataType.FLOAT || type === DataType.FLOAT16 || type === DataType.DOUBLE || type === DataType.BFLOAT16;
}
