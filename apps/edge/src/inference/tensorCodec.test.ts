import { describe, expect, it } from 'vitest';
import { flattenNested, fromHostTensor, nest, toHostTensor } from './tensorCodec';
import { floatToHalf, halfToFloat } from '@pare/runtime';

const spec = (dtype: string, shape: Array<number | string> = ['n', 2]) => ({ name: 'x', dtype, shape });

describe('tensorCodec', () => {
  it('round-trips every supported dtype through ORT tensors', () => {
    const cases: Array<[string, unknown[], unknown[]]> = [
      ['float32', [0.5, -1, 2, 3], [0.5, -1, 2, 3]],
      ['float16', [0.5, -1, 2, 65504], [0.5, -1, 2, 65504]],
      ['int64', [1, -2, 3, 9007199254740991], [1, -2, 3, 9007199254740991]],
      ['int32', [1, -2, 3, 4], [1, -2, 3, 4]],
      ['int8', [-128, 0, 1, 127], [-128, 0, 1, 127]],
      ['uint8', [0, 1, 2, 255], [0, 1, 2, 255]],
      ['bool', [true, false, 1, 0], [true, false, true, false]],
      ['string', ['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'd']],
    ];
    for (const [dtype, input, expected] of cases) {
      const tensor = toHostTensor(spec(dtype), [2, 2], input);
      const back = fromHostTensor(tensor);
      expect(back.shape, dtype).toEqual([2, 2]);
      expect(back.data, dtype).toEqual(expected);
    }
  });

  it('refuses values outside the dtype, and counts that do not match the shape', () => {
    expect(() => toHostTensor(spec('uint8'), [1, 2], [1, 256])).toThrow(/integer in \[0, 255\]/);
    expect(() => toHostTensor(spec('int32'), [1, 2], [1, 1.5])).toThrow(/integer/);
    expect(() => toHostTensor(spec('bool'), [1, 2], [true, 2])).toThrow(/true, false, 0 or 1/);
    expect(() => toHostTensor(spec('string'), [1, 2], ['a', 1])).toThrow(/a string/);
    expect(() => toHostTensor(spec('float32'), [1, 2], [1, null])).toThrow(/finite number/);
    expect(() => toHostTensor(spec('float32'), [2, 2], [1, 2])).toThrow(/needs 4/);
    expect(() => toHostTensor(spec('complex64'), [1, 2], [1, 2])).toThrow(/cannot feed/);
    // Beyond the float range a value would become Infinity and the answer null: refused instead.
    expect(() => toHostTensor(spec('float32'), [1, 2], [1, 3.4e39])).toThrow(/within the float32 range/);
    expect(() => toHostTensor(spec('float32'), [1, 2], [-1e39, 1])).toThrow(/within the float32 range/);
    expect(() => toHostTensor(spec('float16'), [1, 2], [1, 70000])).toThrow(/within the float16 range/);
    expect(fromHostTensor(toHostTensor(spec('float32'), [1, 2], [3.4e38, -3.4e38])).data.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('flattens and nests row-major, refusing ragged arrays', () => {
    const { shape, data } = flattenNested([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], 'x');
    expect(shape).toEqual([2, 2, 2]);
    expect(data).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(nest(data as number[], shape)).toEqual([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    expect(() => flattenNested([[1, 2], [3]], 'x')).toThrow(/ragged/);
    expect(() => flattenNested([[1, 2], 3], 'x')).toThrow(/ragged/);
  });

  it('converts half floats exactly where representable', () => {
    for (const v of [0, 1, -2.5, 0.000061035156, 65504, 1 / 1024]) expect(halfToFloat(floatToHalf(v))).toBeCloseTo(v, 6);
    expect(halfToFloat(floatToHalf(1e6))).toBe(Infinity);
  });
});
