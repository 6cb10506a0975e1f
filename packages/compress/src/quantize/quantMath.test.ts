import { describe, expect, it } from 'vitest';
import { activationParams, affineParams, channelRanges, dequantize, quantize, quantizeMeasured, relativeError, roundHalfEven, symmetricScale, weightParams } from './quantMath';

describe('quantization arithmetic', () => {
  it('rounds half to even like ONNX QuantizeLinear', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6, -2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, 3, -3]);
    // Halves of large magnitudes and the values just beside a half keep the same rule.
    expect([126.5, 127.5, -127.5, 0.49999999999999994, 2 ** 40 + 0.5, -(2 ** 40) - 1.5].map(roundHalfEven))
      .toEqual([126, 128, -128, 0, 2 ** 40, -(2 ** 40) - 2]);
  });

  it('quantizeMeasured: the same bytes as quantize and the error relativeError(dequantize) reports, in one pass', () => {
    const values = Float32Array.from({ length: 6 * 5 * 3 }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 7)) - (i % 4 === 0 ? 0.8 : 0));
    const dims = [6, 5, 3];
    for (const axis of [undefined, 0, 1, 2]) {
      for (const symmetric of [true, false]) {
        const p = weightParams(values, dims, { axis, symmetric });
        const { q, error } = quantizeMeasured(values, dims, p);
        expect(Array.from(q)).toEqual(Array.from(quantize(values, dims, p)));
        expect(error).toBeCloseTo(relativeError(values, dequantize(q, dims, p)), 12);
        expect(error).toBeGreaterThan(0);
      }
    }
    expect(quantizeMeasured(new Float32Array(0), [0, 4], weightParams(new Float32Array(0), [0, 4], { axis: 1, symmetric: true })).q).toHaveLength(0);
  });

  it('symmetric int8: scale = max|w| / 127, zero point 0, ±max on the grid ends', () => {
    expect(symmetricScale(2.54)).toBeCloseTo(0.02, 7);
    // max |w| = 31.75 → scale exactly 0.25, so the halves below are exact: 0.375 → 1.5 → 2, 0.625 → 2.5 → 2.
    const p = weightParams(Float32Array.of(-31.75, 0, 1, 31.75), [4], { symmetric: true });
    expect(p.scale[0]).toBe(0.25);
    expect(p.zeroPoint[0]).toBe(0);
    expect(Array.from(quantize(Float32Array.of(-31.75, 0, 1, 31.75, 0.375, 0.625, -0.625), [7], p))).toEqual([-127, 0, 4, 127, 2, 2, -2]);
  });

  it('asymmetric int8: range widened to include 0, zero point rounds, hand-computed values', () => {
    // [-1, 3]: scale = 4/255, zp = round(-128 - (-1)/(4/255)) = round(-128 + 63.75) = -64
    const { scale, zeroPoint } = affineParams(-1, 3, 'int8');
    expect(scale).toBeCloseTo(4 / 255, 9);
    expect(zeroPoint).toBe(-64);
    // all-negative weights [-0.2, -0.05]: range [-0.2, 0] → scale 0.2/255, zp = 127 (0 at the top of the grid)
    const skew = affineParams(-0.2, -0.05, 'int8');
    expect(skew.zeroPoint).toBe(127);
    expect(skew.scale).toBeCloseTo(0.2 / 255, 9);
  });

  it('uint8 activations: [0, 6] → scale 6/255, zero point 0; [-127.5, 127.5] → scale 1, zero point 128 (127.5 half to even)', () => {
    const relu6 = activationParams(0, 6, 'uint8');
    expect(relu6.scale[0]).toBeCloseTo(6 / 255, 7);
    expect(relu6.zeroPoint[0]).toBe(0);
    const centred = activationParams(-127.5, 127.5, 'uint8');
    expect([centred.scale[0], centred.zeroPoint[0]]).toEqual([1, 128]);
    expect(activationParams(0, 0, 'uint8').scale[0]).toBe(1); // a constant-zero tensor must not divide by zero
  });

  it('clips values outside the calibrated range to the grid ends', () => {
    const p = activationParams(0, 2.55, 'uint8'); // scale 0.01
    expect(Array.from(quantize(Float32Array.of(-1, 0, 1, 1.004, 9), [5], p))).toEqual([0, 0, 100, 100, 255]);
    const s = activationParams(-1.28, 1.27, 'int8'); // scale 0.01, zp 0
    expect(Array.from(quantize(Float32Array.of(-5, 5), [2], s))).toEqual([-128, 127]);
  });

  it('per-channel along an axis: one scale per slice, values of each slice use their own scale', () => {
    // W [K=2, N=3] (MatMul weight): per output column = axis 1.
    // Column maxima 127, 254, 31.75 give exact scales 1, 2, 0.25.
    const w = Float32Array.of(127, -254, 31.75, -63.5, 127, 15.875);
    const dims = [2, 3];
    const { lo, hi } = channelRanges(w, dims, 1);
    expect(Array.from(lo)).toEqual([-63.5, -254, 15.875]);
    expect(Array.from(hi)).toEqual([127, 127, 31.75]);
    const p = weightParams(w, dims, { axis: 1, symmetric: true });
    expect(Array.from(p.scale)).toEqual([1, 2, 0.25]);
    expect(Array.from(quantize(w, dims, p))).toEqual([127, -127, 127, -64, 64, 64]); // ±63.5 → ±64 (half to even)
    // Conv weight [M=2, C=1, 1, 2]: per output channel = axis 0.
    const c = Float32Array.of(1, -1, 4, 1);
    const pc = weightParams(c, [2, 1, 1, 2], { axis: 0, symmetric: true });
    expect(Array.from(quantize(c, [2, 1, 1, 2], pc))).toEqual([127, -127, 127, 32]);
  });

  it('dequantize inverts quantize within half a step', () => {
    const values = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * (i % 3));
    for (const symmetric of [true, false]) {
      const p = weightParams(values, [8, 8], { axis: 0, symmetric });
      const back = dequantize(quantize(values, [8, 8], p), [8, 8], p);
      values.forEach((v, i) => expect(Math.abs(v - back[i]!)).toBeLessThanOrEqual(p.scale[Math.floor(i / 8)]! / 2 + 1e-7));
    }
  });
});
