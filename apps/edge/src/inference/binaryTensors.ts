// The Open Inference Protocol's binary tensor data (Triton's binary_tensor_data extension) ↔ host tensors:
// little-endian, row major, no padding; BOOL one byte per element; BYTES each element a 4-byte little-endian
// length and then its bytes. Checked against the variant's declared input like JSON data (tensorCodec.ts).
import { PareError } from '@pare/errors';
import { halfToFloat, type ElementType, type HostTensor, type TensorData, type TensorSpec } from '@pare/runtime';
import { checkShape } from './tensorCodec';

const ELEMENT_BYTES: Partial<Record<ElementType, number>> = {
  bool: 1, uint8: 1, int8: 1, uint16: 2, int16: 2, float16: 2, uint32: 4, int32: 4, float32: 4, int64: 8, uint64: 8, float64: 8,
};

function invalid(message: string, field: string): PareError {
  return new PareError('input_invalid', message, { status: 400, details: { field } });
}

/** BYTES elements: each a 4-byte little-endian length, then that many bytes. */
export function decodeBytesElements(bytes: Uint8Array, name: string): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.byteLength; ) {
    if (offset + 4 > bytes.byteLength) throw invalid(`Input "${name}" (BYTES): binary data ends inside an element's 4-byte length.`, name);
    const length = view.getUint32(offset, true);
    offset += 4;
    if (offset + length > bytes.byteLength) throw invalid(`Input "${name}" (BYTES): an element says ${length} bytes but only ${bytes.byteLength - offset} are left.`, name);
    out.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return out;
}

export function encodeBytesElements(elements: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(elements.reduce((n, e) => n + 4 + e.byteLength, 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const e of elements) {
    view.setUint32(offset, e.byteLength, true);
    out.set(e, offset + 4);
    offset += 4 + e.byteLength;
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** BYTES elements as text (a text model's input); bytes that are not UTF-8 are refused. */
export function decodeTexts(bytes: Uint8Array, name: string): string[] {
  return decodeBytesElements(bytes, name).map((e, i) => {
    try {
      return utf8.decode(e);
    } catch {
      throw invalid(`Input "${name}" (BYTES) element #${i} is not UTF-8 text.`, name);
    }
  });
}

function typedArray(dtype: ElementType, buffer: ArrayBuffer): TensorData {
  switch (dtype) {
    case 'float32': return new Float32Array(buffer);
    case 'float64': return new Float64Array(buffer);
    case 'float16': case 'uint16': return new Uint16Array(buffer);
    case 'int16': return new Int16Array(buffer);
    case 'int32': return new Int32Array(buffer);
    case 'uint32': return new Uint32Array(buffer);
    case 'int64': return new BigInt64Array(buffer);
    case 'uint64': return new BigUint64Array(buffer);
    case 'int8': return new Int8Array(buffer);
    default: return new Uint8Array(buffer);
  }
}

/** A host tensor of the declared dtype from an input's binary data. */
export function tensorFromBinary(spec: TensorSpec, shape: number[], bytes: Uint8Array): HostTensor {
  checkShape(spec, shape);
  const elements = shape.reduce((a, b) => a * b, 1);
  const dtype = spec.dtype as ElementType;
  if (dtype === 'string') {
    const strings = decodeTexts(bytes, spec.name);
    if (strings.length !== elements) throw invalid(`Input "${spec.name}" has ${strings.length} BYTES elements but shape [${shape.join(', ')}] needs ${elements}.`, spec.name);
    return { type: 'string', data: strings, dims: shape };
  }
  const size = ELEMENT_BYTES[dtype];
  if (size === undefined) throw new PareError('dtype_unsupported', `Input "${spec.name}" has dtype ${dtype}, which the edge runtime cannot feed.`, { status: 400 });
  if (bytes.byteLength !== elements * size) {
    throw invalid(`Input "${spec.name}" has ${bytes.byteLength} bytes of binary data but shape [${shape.join(', ')}] of ${dtype} needs ${elements * size}.`, spec.name);
  }
  // A copy, so the typed array starts aligned whatever the input's offset in the body.
  const data = typedArray(dtype, bytes.slice().buffer);
  if (dtype === 'bool' && (data as Uint8Array).some((v) => v > 1)) throw invalid(`Input "${spec.name}" (BOOL) has a byte other than 0 or 1.`, spec.name);
  // As for JSON data: a NaN or an infinity would run and answer nulls.
  if (dtype === 'float32' || dtype === 'float64') {
    const values = data as Float32Array | Float64Array;
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) throw invalid(`Input "${spec.name}" (${dtype}) value #${i} must be a finite number, got ${values[i]}.`, spec.name);
  }
  if (dtype === 'float16') {
    const values = data as Uint16Array;
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(halfToFloat(values[i]!))) throw invalid(`Input "${spec.name}" (float16) value #${i} must be a finite number.`, spec.name);
  }
  return { type: dtype, data, dims: shape };
}

const utf8Encoder = new TextEncoder();

/** An output tensor's binary data. */
export function tensorToBinary(tensor: HostTensor): Uint8Array {
  if (tensor.type === 'string') return encodeBytesElements((tensor.data as string[]).map((s) => utf8Encoder.encode(s)));
  const data = tensor.data as Exclude<TensorData, string[]>;
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}
