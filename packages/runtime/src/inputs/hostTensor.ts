import { PareError } from '@pare/errors';
import type { ElementType, HostTensor, TensorData } from '../backend/inferenceBackend';

/** Make a host tensor of the given type from plain numbers (int64 values become bigint). */
export function hostTensor(type: ElementType, dims: readonly number[], values: ArrayLike<number>): HostTensor {
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) {
    throw new PareError('input_invalid', `${values.length} values for dims [${dims.join(', ')}], which hold ${count}.`);
  }
  return { type, dims: [...dims], data: typedArrayFrom(type, values) };
}

function typedArrayFrom(type: ElementType, values: ArrayLike<number>): TensorData {
  switch (type) {
    case 'float32': return Float32Array.from(values);
    case 'float64': return Float64Array.from(values);
    case 'int8': return Int8Array.from(values);
    case 'uint8': case 'bool': return Uint8Array.from(values);
    case 'int16': return Int16Array.from(values);
    case 'uint16': return Uint16Array.from(values);
    case 'int32': return Int32Array.from(values);
    case 'uint32': return Uint32Array.from(values);
    case 'int64': return BigInt64Array.from(Array.from(values, (v) => BigInt(Math.trunc(v))));
    case 'uint64': return BigUint64Array.from(Array.from(values, (v) => BigInt(Math.trunc(v))));
    case 'float16':
      throw new PareError('input_type_unsupported', 'float16 inputs are not supported yet: give the model float32 inputs.');
    default:
      // A "type" from an inputs file is any string; without this the runtime would get no data at all.
      throw new PareError('input_type_unsupported', `unknown element type "${String(type)}"; use float32, float64, int8, uint8, int16, uint16, int32, uint32, int64, uint64 or bool.`);
  }
}
