import { describe, expect, it } from 'vitest';
import { GraphBuilder, encodeModel, foldConstantDequantize, type Model } from '@pare/onnx';
import type { Feeds } from '@pare/runtime';
import { nodeBackend } from '@pare/runtime/node';
import { measureChannelMeans } from '../calibrate/channelMeans';
import { compressModel } from '../pipeline/compressModel';
import { convNet } from '../../test/builtModels';
import { floatFeed, minCosine, runModel, seededFloats } from '../../test/runtimes';
import { quantizeWeightsInt8 } from './quantizeWeightsInt8';
import { quantizeDynamicInt8 } from './quantizeDynamicInt8';

/**
 * Largest |a − b| over the first output of two models on one input, the int8 weights dequantized at load as
 * the edge serves them (onnxruntime-node's optimizer would otherwise run DequantizeLinear + MatMul as an integer
 * MatMul that quantizes the activations too, an error bias correction does not model).
 */
async function maxDiff(a: Model, b: Model, feeds: Feeds, perChannelMean = false): Promise<number> {
  const [ra] = await runModel('node', encodeModel(a), [feeds]);
  const [rb] = await runModel('node', foldConstantDequantize(encodeModel(b)).bytes, [feeds]);
  const x = Object.values(ra!)[0]!, y = Object.values(rb!)[0]!;
  if (perChannelMean) {
    // [1, C, H, W]: the largest |mean over a channel's pixels| of the difference.
    const [, c, h, w] = x.dims as [number, number, number, number];
    let d = 0;
    for (let ch = 0; ch < c; ch++) {
      let s = 0;
      for (let i = 0; i < h * w; i++) s += y.data[ch * h * w + i]! - x.data[ch * h * w + i]!;
      d = Math.max(d, Math.abs(s / (h * w)));
    }
    return d;
  }
  let d = 0;
  for (let i = 0; i < x.data.length; i++) d = Math.max(d, Math.abs(x.data[i]! - y.data[i]!));
  return d;
}

/** An input equal to its own per-channel mean everywhere: there bias correction must cancel the weight error exactly. */
function constantChannels(dims: number[], channelAxis: number, seed: number): Feeds {
  const channels = dims[channelAxis]!;
  const inner = dims.slice(channelAxis + 1).reduce((a, b) => a * b, 1);
  const means = seededFloats(channels, seed, 0.5, 2);
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = means[Math.floor(i / inner) % channels]!;
  return { x: { type: 'float32', dims, data } };
}

async function corrected(model: Model, feeds: Feeds) {
  const inputMeans = await measureChannelMeans(model, [feeds], nodeBackend);
  return quantizeWeightsInt8(model, { perChannel: true, symmetric: true, inputMeans, minElements: 1 });
}

const cases: Array<{ name: string; build: () => Model; feeds: Feeds; via: string; perChannelMean?: boolean }> = [
  {
    name: 'MatMul with no bias (an Add is inserted)',
    build: () => {
      const b = new GraphBuilder('mm', { opset: 17 });
      const x = b.input('x', 'float32', [4, 24]);
      b.output(b.op('MatMul', [x, b.initializer('w', 'float32', [24, 16], seededFloats(384, 3, -0.5, 0.5))]), 'float32', [4, 16]);
      return b.build();
    },
    feeds: constantChannels([4, 24], 1, 5), via: 'added after the MatMul',
  },
  {
    name: 'MatMul + Add (the Add\'s bias is corrected)',
    build: () => {
      const b = new GraphBuilder('mmadd', { opset: 17 });
      const x = b.input('x', 'float32', [3, 24]);
      const y = b.op('MatMul', [x, b.initializer('w', 'float32', [24, 16], seededFloats(384, 4, -0.5, 0.5))]);
      b.output(b.op('Add', [y, b.initializer('bias', 'float32', [16], seededFloats(16, 6, -0.1, 0.1))]), 'float32', [3, 16]);
      return b.build();
    },
    feeds: constantChannels([3, 24], 1, 7), via: 'folded into the bias',
  },
  {
    name: 'Gemm transB with alpha and beta',
    build: () => {
      const b = new GraphBuilder('gemm', { opset: 17 });
      const x = b.input('x', 'float32', [2, 20]);
      const w = b.initializer('w', 'float32', [12, 20], seededFloats(240, 8, -0.5, 0.5));
      const c = b.initializer('c', 'float32', [12], seededFloats(12, 9, -0.1, 0.1));
      b.output(b.op('Gemm', [x, w, c], { transB: 1, alpha: { float: 0.5 }, beta: { float: 2 } }), 'float32', [2, 12]);
      return b.build();
    },
    feeds: constantChannels([2, 20], 1, 10), via: 'folded into the bias',
  },
  {
    name: 'grouped Conv without a bias',
    build: () => {
      const b = new GraphBuilder('conv', { opset: 17 });
      const x = b.input('x', 'float32', [1, 8, 6, 6]);
      b.output(b.op('Conv', [x, b.initializer('w', 'float32', [12, 4, 3, 3], seededFloats(432, 11, -0.5, 0.5))], { group: 2 }), 'float32', [1, 12, 4, 4]);
      return b.build();
    },
    feeds: constantChannels([1, 8, 6, 6], 1, 12), via: 'folded into the bias',
  },
  {
    // Each output pixel reads one of the 4 taps, so only the shift averaged over a channel's pixels cancels.
    name: 'ConvTranspose stride 2 (the mean shift of each channel)',
    build: () => {
      const b = new GraphBuilder('convt', { opset: 17 });
      const x = b.input('x', 'float32', [1, 6, 4, 4]);
      const w = b.initializer('w', 'float32', [6, 5, 2, 2], seededFloats(120, 13, -0.5, 0.5));
      b.output(b.op('ConvTranspose', [x, w, b.initializer('b', 'float32', [5], seededFloats(5, 14, -0.1, 0.1))], { strides: [2, 2] }), 'float32', [1, 5, 8, 8]);
      return b.build();
    },
    feeds: constantChannels([1, 6, 4, 4], 1, 15), via: 'folded into the bias', perChannelMean: true,
  },
];

describe('bias correction (int8-weights)', () => {
  for (const c of cases) {
    it(`${c.name}: on an input equal to its channel means the corrected model matches fp32`, async () => {
      const model = c.build();
      const plain = quantizeWeightsInt8(model, { perChannel: true, symmetric: true, minElements: 1 });
      const fixed = await corrected(model, c.feeds);
      const before = await maxDiff(model, plain.model, c.feeds, c.perChannelMean);
      const after = await maxDiff(model, fixed.model, c.feeds, c.perChannelMean);
      expect(before).toBeGreaterThan(1e-3);
      expect(after).toBeLessThan(before / 50);
      const detail = fixed.report.tensors.find((t) => t.name === 'w')!.detail!;
      expect(String(detail.biasCorrection)).toContain(c.via);
      expect(fixed.report.notes.join(' ')).toContain('Bias correction: 1 node(s)');
      // The replaced bias is not left behind as dead bytes.
      const readers = new Set(fixed.model.graph!.node.flatMap((n) => n.input));
      expect(fixed.model.graph!.initializer.every((t) => readers.has(t.name!))).toBe(true);
    });
  }

  // Measured in wasm, where the edge serves (int8 weights would also be exact there on every CPU).
  const RUNTIME = 'web' as const;
  it('int8-dynamic (DynamicQuantizeMatMul, MatMulInteger): the bias takes the correction, and the mean error over a batch shrinks', async () => {
    const b = new GraphBuilder('dyn', { opset: 17 });
    const x = b.input('x', 'float32', [64, 48]);
    const y = b.op('MatMul', [x, b.initializer('w', 'float32', [48, 32], seededFloats(48 * 32, 31, -0.5, 0.5))]);
    b.output(b.op('Add', [y, b.initializer('bias', 'float32', [32], seededFloats(32, 32, -0.1, 0.1))]), 'float32', [64, 32]);
    const model = b.build();
    // Rows around channel means far from zero: the shift ΔW · E[x] is what the correction removes.
    const means = seededFloats(48, 33, 1, 3);
    const noise = seededFloats(64 * 48, 34, -0.2, 0.2);
    const feeds: Feeds = { x: { type: 'float32', dims: [64, 48], data: noise.map((v, i) => v + means[i % 48]!) } };
    const inputMeans = await measureChannelMeans(model, [feeds], nodeBackend);
    const [reference] = await runModel(RUNTIME, encodeModel(model), [feeds]);
    /** Largest |mean over the batch| of the output error, per column. */
    const meanError = async (m: Model) => {
      const [out] = await runModel(RUNTIME, encodeModel(m), [feeds]);
      const r = Object.values(reference!)[0]!.data, c = Object.values(out!)[0]!.data;
      let worst = 0;
      for (let j = 0; j < 32; j++) {
        let s = 0;
        for (let i = 0; i < 64; i++) s += c[i * 32 + j]! - r[i * 32 + j]!;
        worst = Math.max(worst, Math.abs(s / 64));
      }
      return worst;
    };
    for (const form of ['dynamic-quantize-matmul', 'matmul-integer'] as const) {
      const plain = quantizeDynamicInt8(model, { form, minElements: 1 });
      const fixed = quantizeDynamicInt8(model, { form, minElements: 1, inputMeans });
      expect(fixed.report.tensors[0]!.detail!.biasCorrection).toBe('folded into the bias');
      expect(fixed.report.notes.join(' ')).toContain('Bias correction: 1 node(s)');
      const [after, before] = [await meanError(fixed.model), await meanError(plain.model)];
      expect(after, form).toBeLessThan(before / 3);
    }
  });

  it('a weight read by two Convs gets each reader its own correction, and a shared bias stays as it was', async () => {
    const b = new GraphBuilder('shared', { opset: 17 });
    const x = b.input('x', 'float32', [1, 4, 5, 5]);
    const w = b.initializer('w', 'float32', [6, 4, 1, 1], seededFloats(24, 21, -0.5, 0.5));
    const bias = b.initializer('bias', 'float32', [6], seededFloats(6, 22, -0.1, 0.1));
    const shifted = b.op('Add', [x, b.initializer('shift', 'float32', [1, 4, 1, 1], Float32Array.from([3, -2, 1, 4]))]);
    const y1 = b.op('Conv', [x, w, bias]);
    const y2 = b.op('Conv', [shifted, w, bias]);
    b.output(b.op('Concat', [y1, y2], { axis: 1 }), 'float32', [1, 12, 5, 5]);
    const model = b.build();
    const feeds = constantChannels([1, 4, 5, 5], 1, 23);
    const fixed = await corrected(model, feeds);
    const convs = fixed.model.graph!.node.filter((n) => n.op_type === 'Conv');
    expect(convs[0]!.input[2]).not.toBe(convs[1]!.input[2]);
    expect(await maxDiff(model, fixed.model, feeds)).toBeLessThan((await maxDiff(model, quantizeWeightsInt8(model, { symmetric: true, minElements: 1 }).model, feeds)) / 50);
  });

  it('on a conv net fed inputs far from zero, correction from measured means raises fidelity on other inputs of that kind', async () => {
    const model = convNet({ skewed: true });
    const calibration = [1, 2, 3, 4].map((s) => floatFeed('x', [1, 3, 32, 32], s, 0.5, 1.5));
    const held = [5, 6, 7].map((s) => floatFeed('x', [1, 3, 32, 32], s, 0.5, 1.5));
    const options = { quantize: 'int8-weights', perChannel: false } as const;
    const plain = await compressModel(model, options);
    const withMeans = await compressModel(model, options, { channelMeans: (m, targets) => measureChannelMeans(m, calibration, nodeBackend, { targets }) });
    const off = await compressModel(model, { ...options, biasCorrection: false }, { channelMeans: () => { throw new Error('not asked for'); } });
    const reference = await runModel('node', encodeModel(model), held);
    const cos = async (m: Model) => minCosine(reference, await runModel('node', encodeModel(m), held));
    expect(1 - await cos(withMeans.model)).toBeLessThan((1 - await cos(plain.model)) / 2);
    expect(await cos(off.model)).toBe(await cos(plain.model));
  });
});

describe('bias correction when the means cannot be measured', () => {
  it('quantizes without it and says why', async () => {
    const model = convNet();
    const r = await compressModel(model, { quantize: 'int8-weights' }, { channelMeans: () => Promise.reject(new Error('output "h1" could not be fetched')) });
    const notes = r.steps.find((s) => s.step === 'quantize-int8-weights')!.report!.notes.join(' ');
    expect(notes).toContain('No bias correction: the input means could not be measured (output "h1" could not be fetched)');
    expect(encodeModel(r.model)).toEqual(encodeModel((await compressModel(model, { quantize: 'int8-weights' })).model));
  });
});
