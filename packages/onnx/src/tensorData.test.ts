import { describe, expect, it } from 'vitest';
import { PareError } from '@pare/errors';
import { decodeModel, encodeModel } from './codec';
import { DataType } from './dataType';
import { GraphBuilder } from './graphBuilder';
import { floatToHalf, halfToFloat, makeTensor, readTensor, readTensorAsFloat32, tensorByteLength, type TensorValues } from './tensorData';
import type { Tensor } from './types';

/** Values as a plain array, whatever typed array readTensor chose. */
const list = (v: TensorValues): Array<number | bigint> => Array.from(v as ArrayLike<number | bigint>);

/** A tensor with no data yet; tests fill exactly one storage field. */
function bare(dataType: number, dims: number[], fields: Partial<Tensor>): Tensor {
  return {
    name: 't', data_type: dataType, dims, float_data: [], int32_data: [], string_data: [], int64_data: [],
    double_data: [], uint64_data: [], external_data: [], metadata_props: [], ...fields,
  };
}

/** Through the codec and back, so the test reads what a file would hold, not what it wrote. */
function viaBytes(t: Tensor): Tensor {
  const b = new GraphBuilder('g');
  const x = b.input('x', 'float32', [1]);
  b.output(b.op('Identity', [x]), 'float32', [1]);
  const model = b.build();
  model.graph!.initializer.push(t);
  return decodeModel(encodeModel(model)).model.graph!.initializer[0]!;
}

// float16 bit patterns: 1.0, -2.0, 0.5, 65504 (largest half), smallest subnormal
const HALF_BITS = [0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001];
const HALF_VALUES = [1, -2, 0.5, 65504, 2 ** -24];

describe('readTensor in every storage form', () => {
  it('raw_data, little-endian, for each numeric type', () => {
    const cases: Array<[number, ArrayLike<number | bigint>]> = [
      [DataType.FLOAT, new Float32Array([1.5, -2, 3e-8])],
      [DataType.DOUBLE, new Float64Array([Math.PI, -1e300])],
      [DataType.INT8, new Int8Array([-128, 0, 127])],
      [DataType.UINT8, new Uint8Array([0, 200, 255])],
      [DataType.INT16, new Int16Array([-32768, 5])],
      [DataType.UINT16, new Uint16Array([65535, 1])],
      [DataType.INT32, new Int32Array([-(2 ** 31), 2 ** 31 - 1])],
      [DataType.UINT32, new Uint32Array([2 ** 32 - 1, 7])],
      [DataType.INT64, new BigInt64Array([-(2n ** 63n), 2n ** 62n + 1n])],
      [DataType.UINT64, new BigUint64Array([2n ** 64n - 1n, 3n])],
      [DataType.BOOL, new Uint8Array([1, 0, 1])],
      [DataType.FLOAT16, new Uint16Array(HALF_BITS)],
    ];
    for (const [type, values] of cases) {
      const t = viaBytes(makeTensor('t', type, [values.length], values as never));
      expect(t.raw_data!.byteLength).toBeGreaterThan(0);
      expect(list(readTensor(t))).toEqual(Array.from(values));
    }
  });

  it('raw_data at an odd offset inside the file (unaligned views are copied)', () => {
    const raw = new Uint8Array(9);
    new DataView(raw.buffer).setFloat32(1, 2.5, true);
    const t = bare(DataType.FLOAT, [], { raw_data: raw.subarray(1, 5) });
    expect(list(readTensor(t))).toEqual([2.5]);
  });

  it('raw_data decoded from a Node Buffer is a plain Uint8Array, so slice() copies as everywhere else', () => {
    const b = new GraphBuilder('g');
    const x = b.input('x', 'float32', [2]);
    b.output(b.op('Add', [x, b.initializer('w', 'float32', [2], [0.25, -4])]), 'float32', [2]);
    const file = Buffer.concat([Buffer.alloc(13), Buffer.from(encodeModel(b.build()))]).subarray(13); // not at offset 0
    const w = decodeModel(file).model.graph!.initializer[0]!;
    expect(w.raw_data!.constructor).toBe(Uint8Array);
    expect(Array.from(new Float32Array(w.raw_data!.slice().buffer))).toEqual([0.25, -4]);
    expect(list(readTensor(w))).toEqual([0.25, -4]);
  });

  it('float_data', () => {
    expect(list(readTensor(viaBytes(bare(DataType.FLOAT, [2, 2], { float_data: [1, -0.5, 0, 8] }))))).toEqual([1, -0.5, 0, 8]);
  });

  it('int32_data holding int8, uint8, bool, int16 and float16 bits', () => {
    expect(list(readTensor(viaBytes(bare(DataType.INT8, [3], { int32_data: [-128, -1, 127] }))))).toEqual([-128, -1, 127]);
    expect(list(readTensor(viaBytes(bare(DataType.UINT8, [3], { int32_data: [0, 128, 255] }))))).toEqual([0, 128, 255]);
    expect(list(readTensor(viaBytes(bare(DataType.BOOL, [2], { int32_data: [1, 0] }))))).toEqual([1, 0]);
    expect(list(readTensor(viaBytes(bare(DataType.INT16, [2], { int32_data: [-300, 300] }))))).toEqual([-300, 300]);
    const half = viaBytes(bare(DataType.FLOAT16, [5], { int32_data: HALF_BITS }));
    expect(readTensor(half)).toBeInstanceOf(Uint16Array);
    expect(Array.from(readTensorAsFloat32(half))).toEqual(HALF_VALUES);
  });

  it('int32_data for int32', () => {
    expect(list(readTensor(viaBytes(bare(DataType.INT32, [2], { int32_data: [-(2 ** 31), 42] }))))).toEqual([-(2 ** 31), 42]);
  });

  it('int64_data', () => {
    const t = viaBytes(bare(DataType.INT64, [3], { int64_data: [-5, 2 ** 40, Number.MAX_SAFE_INTEGER] }));
    expect(list(readTensor(t))).toEqual([-5n, 2n ** 40n, BigInt(Number.MAX_SAFE_INTEGER)]);
  });

  it('double_data', () => {
    expect(list(readTensor(viaBytes(bare(DataType.DOUBLE, [2], { double_data: [Math.E, -1e-300] }))))).toEqual([Math.E, -1e-300]);
  });

  it('uint64_data for uint64 and uint32', () => {
    expect(list(readTensor(viaBytes(bare(DataType.UINT64, [2], { uint64_data: [2 ** 50, 1] }))))).toEqual([2n ** 50n, 1n]);
    expect(list(readTensor(viaBytes(bare(DataType.UINT32, [2], { uint64_data: [2 ** 32 - 1, 0] }))))).toEqual([2 ** 32 - 1, 0]);
  });

  it('scalars and empty tensors', () => {
    expect(list(readTensor(viaBytes(bare(DataType.FLOAT, [], { float_data: [3] }))))).toEqual([3]);
    expect(readTensor(viaBytes(bare(DataType.FLOAT, [0, 4], {})))).toHaveLength(0);
  });

  it('converts any numeric type to float32 (bfloat16 and int types too)', () => {
    expect(Array.from(readTensorAsFloat32(bare(DataType.BFLOAT16, [2], { int32_data: [0x3f80, 0xc040] })))).toEqual([1, -3]);
    expect(Array.from(readTensorAsFloat32(makeTensor('i', DataType.INT64, [2], [-3, 9])))).toEqual([-3, 9]);
  });

  it('decodes half-float specials', () => {
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
  });
});

describe('readTensor refuses what it cannot read, naming the tensor', () => {
  const codeOf = (f: () => unknown): string => {
    try { f(); } catch (e) { expect(e).toBeInstanceOf(PareError); return (e as PareError).code; }
    return 'no error';
  };

  it('raw_data of the wrong length', () => {
    expect(() => readTensor(bare(DataType.FLOAT, [3], { raw_data: new Uint8Array(8) }))).toThrow(/"t" has 8 bytes.*needs 12/);
  });
  it('a typed field with too few values', () => {
    expect(() => readTensor(bare(DataType.FLOAT, [3], { float_data: [1] }))).toThrow(/holds 1 values.*needs 3/);
  });
  it('external data that was not inlined', () => {
    expect(codeOf(() => readTensor(bare(DataType.FLOAT, [1], { data_location: 1, external_data: [{ key: 'location', value: 'w.bin' }] })))).toBe('onnx_external_data');
  });
  it('strings', () => {
    expect(codeOf(() => readTensor(bare(DataType.STRING, [1], { string_data: [new Uint8Array([65])] })))).toBe('onnx_unsupported_dtype');
  });
});

describe('tensorByteLength', () => {
  it('counts raw bytes, typed values by element size, and strings by length', () => {
    expect(tensorByteLength(makeTensor('a', DataType.FLOAT16, [3], [1, 2, 3]))).toBe(6);
    expect(tensorByteLength(bare(DataType.INT8, [4], { raw_data: new Uint8Array(), int32_data: [1, 2, 3, 4] }))).toBe(4);
    expect(tensorByteLength(bare(DataType.STRING, [2], { string_data: [new Uint8Array(3), new Uint8Array(2)] }))).toBe(5);
  });
});

describe('floatToHalf', () => {
  it('rounds to nearest even, saturates to Infinity past 65504, keeps subnormals and signs', () => {
    for (const v of [0, 1, -2, 0.5, 65504, 6.103515625e-5, 5.960464477539063e-8]) expect(halfToFloat(floatToHalf(v))).toBe(v);
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // halfway between 1 and the next half: ties to even (1)
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway, odd below: up
    expect(floatToHalf(70000)).toBe(0x7c00);
    expect(Object.is(halfToFloat(floatToHalf(-0)), -0)).toBe(true);
  });
});
