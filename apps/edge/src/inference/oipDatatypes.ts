// Open Inference Protocol datatype names ↔ ORT element type names.
import { PareError } from '@pare/errors';

const OIP_TO_ORT: Record<string, string> = {
  BOOL: 'bool', UINT8: 'uint8', UINT16: 'uint16', UINT32: 'uint32', UINT64: 'uint64',
  INT8: 'int8', INT16: 'int16', INT32: 'int32', INT64: 'int64',
  FP16: 'float16', FP32: 'float32', FP64: 'float64', BYTES: 'string',
};
const ORT_TO_OIP: Record<string, string> = Object.fromEntries(Object.entries(OIP_TO_ORT).map(([k, v]) => [v, k]));

export function ortOfDatatype(datatype: string): string {
  const ort = OIP_TO_ORT[datatype];
  if (!ort) throw new PareError('input_invalid', `Unknown datatype "${datatype}"; use one of ${Object.keys(OIP_TO_ORT).join(', ')}.`, { status: 400 });
  return ort;
}

export function datatypeOfOrt(dtype: string): string {
  return ORT_TO_OIP[dtype] ?? dtype.toUpperCase();
}
