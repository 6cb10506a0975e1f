// JSON values ↔ host tensors, checked against the variant's declared inputs: the one place request data is
// turned into typed arrays, with errors that name the input, the dtype and the shape at fault.
import { PareError } from '@pare/errors';
import { floatToHalf, halfToFloat, type ElementType, type HostTensor, type TensorData, type TensorSpec } from '@pare/runtime';

export type JsonScalar = number | boolean | string;

export interface FlatTensor {
  /** ORT element type name (float32, int64, bool, string…). */
  dtype: string;
  shape: number[];
  data: JsonScalar[];
}

const SUPPORTED: ReadonlySet<string> = new Set(['float32', 'float16', 'float64', 'int64', 'int32', 'int16', 'int8', 'uint8', 'uint16', 'uint32', 'uint64', 'bool', 'string']);

const INT_RANGES: Record<string, [number, number]> = {
  int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535],
  int32: [-2147483648, 2147483647], uint32: [0, 4294967295],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], uint64: [0, Number.MAX_SAFE_INTEGER],
};

/** Largest finite magnitude per float dtype: a larger number would be stored as Infinity and answer nulls. */
const FLOAT_LIMITS: Record<string, number> = { float32: 3.4028234663852886e38, float16: 65504 };

function createTensor(type: ElementType, data: TensorData, dims: number[]): HostTensor {
  return { type, data, dims };
}

function invalid(message: string, field: string): PareError {
  return new PareError('input_invalid', message, { status: 400, details: { field } });
}

/** Deeper nesting than any model's input rank is refused before it is walked (recursion depth). */
const MAX_RANK = 32;

/** A nested JSON array → its shape and row-major values; ragged arrays are refused. */
export function flattenNested(value: unknown, name: string): { shape: number[]; data: unknown[] } {
  if (!Array.isArray(value)) return { shape: [], data: [value] };
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    if (shape.length === MAX_RANK) throw invalid(`Input "${name}" is nested more than ${MAX_RANK} arrays deep.`, name);
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const data: unknown[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(v)) throw invalid(`Input "${name}" is ragged: expected a scalar at depth ${depth}, found an array.`, name);
      data.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw invalid(`Input "${name}" is ragged: every array at depth ${depth} must have ${shape[depth]} elements.`, name);
    }
    for (const item of v) walk(item, depth + 1);
  };
  walk(value, 0);
  return { shape, data };
}

/** Row-major values → nested arrays of the given shape. */
export function nest(data: readonly JsonScalar[], shape: readonly number[]): unknown {
  if (shape.length === 0) return data[0];
  let offset = 0;
  const build = (depth: number): unknown[] => {
    const out: unknown[] = [];
    for (let i = 0; i < shape[depth]!; i++) out.push(depth === shape.length - 1 ? data[offset++] : build(depth + 1));
    return out;
  };
  return build(0);
}

/** Check a shape against the declared one: same rank, fixed dimensions equal (strings and -1 are free). */
export function checkShape(spec: TensorSpec, shape: readonly number[]): void {
  const declared = spec.shape.map((d) => (typeof d === 'number' && d >= 0 ? String(d) : typeof d === 'string' ? d : '?')).join(', ');
  if (shape.length !== spec.shape.length) {
    throw invalid(`Input "${spec.name}" must have rank ${spec.shape.length} (shape [${declared}]), got shape [${shape.join(', ')}].`, spec.name);
  }
  spec.shape.forEach((d, i) => {
    if (typeof d === 'number' && d >= 0 && shape[i] !== d) {
      throw invalid(`Input "${spec.name}" dimension ${i} must be ${d} (shape [${declared}]), got shape [${shape.join(', ')}].`, spec.name);
    }
  });
}

/** Build a host tensor of the declared dtype from checked JSON values. */
export function toHostTensor(spec: TensorSpec, shape: number[], values: readonly unknown[]): HostTensor {
  const dtype = spec.dtype;
  if (!SUPPORTED.has(dtype)) throw new PareError('dtype_unsupported', `Input "${spec.name}" has dtype ${dtype}, which the edge runtime cannot feed.`, { status: 400 });
  checkShape(spec, shape);
  const expected = shape.reduce((a, b) => a * b, 1);
  if (values.length !== expected) {
    throw invalid(`Input "${spec.name}" has ${values.length} values but shape [${shape.join(', ')}] needs ${expected}.`, spec.name);
  }
  const wrongType = (i: number, what: string): PareError =>
    invalid(`Input "${spec.name}" (${dtype}) value #${i} must be ${what}, got ${JSON.stringify(values[i])}.`, spec.name);
  if (dtype === 'string') {
    values.forEach((v, i) => { if (typeof v !== 'string') throw wrongType(i, 'a string'); });
    return createTensor('string', values as string[], shape);
  }
  if (dtype === 'bool') {
    const data = new Uint8Array(values.length);
    values.forEach((v, i) => {
      if (typeof v === 'boolean') data[i] = v ? 1 : 0;
      else if (v === 0 || v === 1) data[i] = v;
      else throw wrongType(i, 'true, false, 0 or 1');
    });
    return createTensor('bool', data, shape);
  }
  const numbers = values.map((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw wrongType(i, 'a finite number');
    const range = INT_RANGES[dtype];
    if (range && (!Number.isInteger(v) || v < range[0] || v > range[1])) throw wrongType(i, `an integer in [${range[0]}, ${range[1]}]`);
    const limit = FLOAT_LIMITS[dtype];
    if (limit !== undefined && Math.abs(v) > limit) throw wrongType(i, `a number within the ${dtype} range (±${limit.toPrecision(5)})`);
    return v;
  });
  switch (dtype) {
    case 'float32': return createTensor('float32', Float32Array.from(numbers), shape);
    case 'float64': return createTensor('float64', Float64Array.from(numbers), shape);
    case 'float16': return createTensor('float16', Uint16Array.from(numbers, floatToHalf), shape);
    case 'int64': return createTensor('int64', BigInt64Array.from(numbers, (n) => BigInt(n)), shape);
    case 'uint64': return createTensor('uint64', BigUint64Array.from(numbers, (n) => BigInt(n)), shape);
    case 'int32': return createTensor('int32', Int32Array.from(numbers), shape);
    case 'int16': return createTensor('int16', Int16Array.from(numbers), shape);
    case 'int8': return createTensor('int8', Int8Array.from(numbers), shape);
    case 'uint32': return createTensor('uint32', Uint32Array.from(numbers), shape);
    case 'uint16': return createTensor('uint16', Uint16Array.from(numbers), shape);
    default: return createTensor(dtype as ElementType, Uint8Array.from(numbers), shape);
  }
}

/** An output tensor → JSON-safe flat values (int64 as numbers, float16 widened, bool as booleans). */
export function fromHostTensor(tensor: HostTensor): FlatTensor {
  const shape = [...tensor.dims];
  const type = tensor.type;
  const raw = tensor.data as ArrayLike<number | bigint | string>;
  let data: JsonScalar[];
  if (type === 'bool') data = Array.from(raw as ArrayLike<number>, (v) => v !== 0);
  else if (type === 'float16') data = tensor.data instanceof Uint16Array ? Array.from(tensor.data, halfToFloat) : Array.from(raw as ArrayLike<number>);
  else if (type === 'int64' || type === 'uint64') data = Array.from(raw as ArrayLike<bigint>, (v) => Number(v));
  else if (type === 'string') data = Array.from(raw as ArrayLike<string>);
  else data = Array.from(raw as ArrayLike<number>, (v) => (Number.isFinite(v) ? v : (null as unknown as number)));
  return { dtype: type, shape, data };
}
