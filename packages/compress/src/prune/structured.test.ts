import { describe, expect, it } from 'vitest';
import { encodeModel, GraphBuilder, readTensor, type Model, type Tensor } from '@pare/onnx';
import { PareError } from '@pare/errors';
import { pruneStructured } from './structured';
import { feed, runNode, runWeb, seeded } from '../../test/pruneRuntime';

const init = (m: Model, name: string): Tensor => m.graph!.initializer.find((t) => t.name === name)!;
const floats = (m: Model, name: string): Float32Array => readTensor(init(m, name)) as Float32Array;
/** Columns `keep` of a row-major [rows, cols] matrix. */
const cols = (v: Float32Array, rows: number, n: number, keep: number[]): Float32Array =>
  Float32Array.from({ length: rows * keep.length }, (_, i) => v[Math.floor(i / keep.length) * n + keep[i % keep.length]!]!);
const rows = (v: Float32Array, n: number, keep: number[]): Float32Array => Float32Array.from(keep.flatMap((r) => Array.from(v.subarray(r * n, r * n + n))));

/** Hidden units 2 and 5 of the first layer get weights 100x smaller: they are the ones to go at ratio 0.25. */
function mlpWeights(): { W1: Float32Array; b1: Float32Array; W2: Float32Array; b2: Float32Array } {
  const W1 = seeded(6 * 8, 1);
  for (let r = 0; r < 6; r++) for (const c of [2, 5]) W1[r * 8 + c]! *= 0.01;
  const b1 = seeded(8, 2, -0.1, 0.1);
  b1[2] = 0.001; b1[5] = -0.001;
  return { W1, b1, W2: seeded(8 * 3, 3), b2: seeded(3, 4) };
}

function mlp(w: ReturnType<typeof mlpWeights>, hidden: number, activation = 'Relu'): Model {
  const b = new GraphBuilder('mlp');
  const x = b.input('x', 'float32', [2, 6]);
  b.initializer('W1', 'float32', [6, hidden], w.W1);
  b.initializer('b1', 'float32', [hidden], w.b1);
  b.initializer('W2', 'float32', [hidden, 3], w.W2);
  b.initializer('b2', 'float32', [3], w.b2);
  const h = b.op('Add', [b.node('MatMul', [x, 'W1'], { name: 'fc1' })[0]!, 'b1']);
  const a = b.node(activation, [h], { outputs: ['act'] })[0]!;
  b.node('Add', [b.op('MatMul', [a, 'W2']), 'b2'], { outputs: ['y'] });
  b.output('y', 'float32', [2, 3]);
  return b.build();
}

describe('pruneStructured: MatMul/Gemm chains', () => {
  it('gives exactly the outputs of the MLP with the weakest units removed by hand', async () => {
    const w = mlpWeights();
    const model = mlp(w, 8);
    model.graph!.value_info.push(
      { name: 'act', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 2 }, { dim_value: 8 }] } } }, metadata_props: [] },
    );
    const before = structuredClone(model);
    const { model: out, report } = pruneStructured(model, { ratio: 0.25 });
    expect(model).toEqual(before);

    const keep = [0, 1, 3, 4, 6, 7];
    const small = mlp({ W1: cols(w.W1, 6, 8, keep), b1: Float32Array.from(keep, (k) => w.b1[k]!), W2: rows(w.W2, 3, keep), b2: w.b2 }, 6);
    for (const name of ['W1', 'b1', 'W2', 'b2']) expect(init(out, name)).toEqual(init(small, name));
    expect(report.tensors.find((t) => t.name === 'W1')).toMatchObject({ shapeBefore: [6, 8], shapeAfter: [6, 6], detail: { removedUnits: '2,5' } });
    expect(report.notes[0]).toBe('"fc1": kept 6 of 8 units');
    expect(report.skipped).toEqual([{ name: expect.any(String), reason: '"y" is a graph output: its shape is part of the model\'s interface' }]);
    expect(out.graph!.value_info[0]!.type!.tensor_type!.shape!.dim).toEqual([{ dim_value: 2 }, { dim_value: 6 }]);
    expect(encodeModel(out).byteLength).toBeLessThan(encodeModel(model).byteLength);

    const x = feed([2, 6], 5);
    for (const run of [runNode, runWeb]) expect((await run(out, { x })).y).toEqual((await run(small, { x })).y);
  });

  it('handles Gemm with transB=1, bias C and Tanh/Sigmoid/LeakyRelu/Clip activations', async () => {
    for (const act of ['Tanh', 'Sigmoid', 'LeakyRelu', 'Clip']) {
      const W1 = seeded(8 * 6, 11); // [8, 6]: units are rows under transB=1
      for (let c = 0; c < 6; c++) W1[3 * 6 + c]! *= 0.001;
      const b = new GraphBuilder('gemm');
      const x = b.input('x', 'float32', [2, 6]);
      b.initializer('B1', 'float32', [8, 6], W1);
      b.initializer('C1', 'float32', [8], seeded(8, 12, -0.01, 0.01));
      b.initializer('B2', 'float32', [3, 8], seeded(24, 13));
      const h = b.node('Gemm', [x, 'B1', 'C1'], { attributes: { transB: 1 } })[0]!;
      const a = b.op(act, [h]);
      b.node('Gemm', [a, 'B2'], { attributes: { transB: 1 }, outputs: ['y'] });
      b.output('y', 'float32', [2, 3]);
      const model = b.build();
      const { model: out, report } = pruneStructured(model, { ratio: 0.125 });
      expect(report.tensors.map((t) => [t.name, t.shapeAfter])).toEqual([['B1', [7, 6]], ['C1', [7]], ['B2', [3, 7]]]);
      expect(report.tensors[0]!.detail!.removedUnits).toBe('3');
      const y = (await runNode(out, { x: feed([2, 6], 14) })).y!;
      const yWeb = (await runWeb(out, { x: feed([2, 6], 14) })).y!;
      expect(y.length).toBe(6);
      expect(Array.from(y).every((v, i) => Math.abs(v - yWeb[i]!) < 1e-5)).toBe(true);
    }
  });

  it('prunes every hidden layer of a deeper chain; a middle weight loses rows and columns', async () => {
    const b = new GraphBuilder('deep');
    const x = b.input('x', 'float32', [1, 4]);
    b.initializer('A', 'float32', [4, 8], seeded(32, 21));
    b.initializer('B', 'float32', [8, 8], seeded(64, 22));
    b.initializer('C', 'float32', [8, 2], seeded(16, 23));
    const h1 = b.op('Relu', [b.op('MatMul', [x, 'A'])]);
    const h2 = b.op('Relu', [b.op('MatMul', [h1, 'B'])]);
    b.node('MatMul', [h2, 'C'], { outputs: ['y'] });
    b.output('y', 'float32', [1, 2]);
    const { model: out } = pruneStructured(b.build(), { ratio: 0.5 });
    expect([init(out, 'A').dims, init(out, 'B').dims, init(out, 'C').dims]).toEqual([[4, 4], [4, 4], [4, 2]]);
    expect((await runWeb(out, { x: feed([1, 4], 24) })).y!.length).toBe(2);
  });

  it('passes through LayerNormalization (slicing scale and bias) and says the result is approximate', async () => {
    const b = new GraphBuilder('ln', { opset: 17 });
    const x = b.input('x', 'float32', [2, 4]);
    b.initializer('W1', 'float32', [4, 8], seeded(32, 31));
    b.initializer('g', 'float32', [8], seeded(8, 32, 0.5, 1.5));
    b.initializer('be', 'float32', [8], seeded(8, 33, -0.1, 0.1));
    b.initializer('W2', 'float32', [8, 2], seeded(16, 34));
    const n = b.op('LayerNormalization', [b.op('MatMul', [x, 'W1']), 'g', 'be'], { axis: -1 });
    b.node('MatMul', [b.op('Relu', [n]), 'W2'], { outputs: ['y'] });
    b.output('y', 'float32', [2, 2]);
    const { model: out, report } = pruneStructured(b.build(), { ratio: 0.25 });
    expect(init(out, 'g').dims).toEqual([6]);
    expect(report.notes[0]).toMatch(/approximate: .*LayerNormalization.*normalizes over fewer units/);
    expect((await runNode(out, { x: feed([2, 4], 35) })).y!.length).toBe(4);
  });
});

describe('pruneStructured: Conv chains', () => {
  /** Conv → BN → Relu → depthwise Conv (+bias) → Clip → Conv 1x1. */
  function convChain(): Model {
    const b = new GraphBuilder('conv', { opset: 13 });
    const x = b.input('x', 'float32', [1, 3, 8, 8]);
    b.initializer('K1', 'float32', [8, 3, 3, 3], seeded(216, 41));
    for (const [p, lo, hi] of [['s', 0.5, 1.5], ['bb', -0.5, 0.5], ['mu', -0.1, 0.1], ['var', 0.5, 2]] as const) b.initializer(p, 'float32', [8], seeded(8, p.length + 42, lo, hi));
    b.initializer('K2', 'float32', [8, 1, 3, 3], seeded(72, 45));
    b.initializer('K2b', 'float32', [8], seeded(8, 46));
    b.initializer('K3', 'float32', [4, 8, 1, 1], seeded(32, 47));
    b.initializer('lo', 'float32', [], [0]);
    b.initializer('hi', 'float32', [], [6]);
    const c1 = b.op('Conv', [x, 'K1'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] });
    const r = b.op('Relu', [b.op('BatchNormalization', [c1, 's', 'bb', 'mu', 'var'])]);
    const d = b.node('Conv', [r, 'K2', 'K2b'], { attributes: { group: 8, pads: [1, 1, 1, 1], kernel_shape: [3, 3] }, name: 'dw' })[0]!;
    b.node('Conv', [b.op('Clip', [d, 'lo', 'hi']), 'K3'], { outputs: ['y'] });
    b.output('y', 'float32', [1, 4, 8, 8]);
    return b.build();
  }

  it('removes output channels, BN params and depthwise channels, and the next conv\'s input channels', async () => {
    const model = convChain();
    const { model: out, report } = pruneStructured(model, { ratio: 0.25 });
    const dims = Object.fromEntries(['K1', 's', 'bb', 'mu', 'var', 'K2', 'K2b', 'K3'].map((n) => [n, init(out, n).dims]));
    expect(dims).toEqual({ K1: [6, 3, 3, 3], s: [6], bb: [6], mu: [6], var: [6], K2: [6, 1, 3, 3], K2b: [6], K3: [4, 6, 1, 1] });
    expect(out.graph!.node.find((n) => n.name === 'dw')!.attribute.find((a) => a.name === 'group')!.i).toBe(6);

    // Oracle: the original with the removed channels' input weights of K3 set to zero computes the same thing.
    const removed = String(report.tensors.find((t) => t.name === 'K1')!.detail!.removedUnits).split(',').map(Number);
    expect(removed).toHaveLength(2);
    const zeroed = structuredClone(model);
    const k3 = Float32Array.from(floats(model, 'K3'));
    for (let o = 0; o < 4; o++) for (const k of removed) k3[o * 8 + k] = 0;
    Object.assign(init(zeroed, 'K3'), { raw_data: new Uint8Array(k3.buffer) });
    const x = feed([1, 3, 8, 8], 48);
    const want = (await runNode(zeroed, { x })).y!;
    for (const run of [runNode, runWeb]) {
      const got = (await run(out, { x })).y!;
      expect(Math.max(...got.map((v, i) => Math.abs(v - want[i]!)))).toBeLessThan(1e-4);
    }
  });
  it('carries channels through a spatial Resize into a ConvTranspose', async () => {
    const b = new GraphBuilder('up', { opset: 13 });
    const x = b.input('x', 'float32', [1, 2, 4, 4]);
    b.initializer('K1', 'float32', [8, 2, 1, 1], seeded(16, 71));
    b.initializer('roi', 'float32', [0], []);
    b.initializer('scales', 'float32', [4], [1, 1, 2, 2]);
    b.initializer('T', 'float32', [8, 3, 2, 2], seeded(96, 72));
    const r = b.op('Relu', [b.op('Conv', [x, 'K1'])]);
    const up = b.op('Resize', [r, 'roi', 'scales'], { mode: 'nearest' });
    b.node('ConvTranspose', [up, 'T'], { attributes: { strides: [2, 2] }, outputs: ['y'] });
    b.output('y', 'float32', [1, 3, 16, 16]);
    const { model: out, report } = pruneStructured(b.build(), { ratio: 0.5 });
    expect(report.tensors.map((t) => [t.name, t.shapeAfter])).toEqual([['K1', [4, 2, 1, 1]], ['T', [4, 3, 2, 2]]]);
    for (const run of [runNode, runWeb]) expect((await run(out, { x: feed([1, 2, 4, 4], 73) })).y!.length).toBe(3 * 16 * 16);
  });

  it('prunes a squeeze-excite gate together with the channels it gates', async () => {
    const b = new GraphBuilder('se', { opset: 13 });
    const x = b.input('x', 'float32', [2, 3, 6, 6]);
    b.initializer('K1', 'float32', [8, 3, 1, 1], seeded(24, 61));
    b.initializer('K1b', 'float32', [8], seeded(8, 62));
    b.initializer('S', 'float32', [2, 8, 1, 1], seeded(16, 63));
    b.initializer('E', 'float32', [8, 2, 1, 1], seeded(16, 64));
    b.initializer('Eb', 'float32', [8], seeded(8, 65));
    b.initializer('K3', 'float32', [4, 8, 1, 1], seeded(32, 66));
    const r = b.op('Relu', [b.node('Conv', [x, 'K1', 'K1b'], { name: 'head' })[0]!]);
    const squeeze = b.op('Relu', [b.op('Conv', [b.op('GlobalAveragePool', [r]), 'S'])]);
    const gate = b.op('HardSigmoid', [b.node('Conv', [squeeze, 'E', 'Eb'], { name: 'excite' })[0]!]);
    b.node('Conv', [b.op('Mul', [r, gate]), 'K3'], { outputs: ['y'] });
    b.output('y', 'float32', [2, 4, 6, 6]);
    const model = b.build();
    const { model: out, report } = pruneStructured(model, { ratio: 0.25 });
    expect(report.notes[0]).toBe('"head": kept 6 of 8 units (with excite)');
    const dims = Object.fromEntries(['K1', 'K1b', 'S', 'E', 'Eb', 'K3'].map((n) => [n, init(out, n).dims]));
    expect(dims).toEqual({ K1: [6, 3, 1, 1], K1b: [6], S: [2, 6, 1, 1], E: [6, 2, 1, 1], Eb: [6], K3: [4, 6, 1, 1] });

    // Oracle: the removed channels reach the output only through K3 and the squeeze conv S; zero both there.
    const removed = String(report.tensors.find((t) => t.name === 'K1')!.detail!.removedUnits).split(',').map(Number);
    const zeroed = structuredClone(model);
    for (const [name, outs] of [['K3', 4], ['S', 2]] as const) {
      const v = Float32Array.from(floats(model, name));
      for (let o = 0; o < outs; o++) for (const k of removed) v[o * 8 + k] = 0;
      Object.assign(init(zeroed, name), { raw_data: new Uint8Array(v.buffer) });
    }
    const input = feed([2, 3, 6, 6], 67);
    const want = (await runNode(zeroed, { x: input })).y!;
    for (const run of [runNode, runWeb]) {
      const got = (await run(out, { x: input })).y!;
      expect(Math.max(...got.map((v, i) => Math.abs(v - want[i]!)))).toBeLessThan(1e-4);
    }
  });
});

describe('pruneStructured: unsafe patterns are skipped and reported', () => {
  function chainWith(between: (b: GraphBuilder, h: string) => string, opset = 13): Model {
    const b = new GraphBuilder('unsafe', { opset });
    const x = b.input('x', 'float32', [2, 8]);
    b.initializer('W1', 'float32', [8, 8], seeded(64, 51));
    b.initializer('W2', 'float32', [8, 8], seeded(64, 52));
    const h = b.node('MatMul', [x, 'W1'], { name: 'first' })[0]!;
    b.node('MatMul', [between(b, h), 'W2'], { outputs: ['y'] });
    b.output('y', 'float32', [2, 8]);
    return b.build();
  }
  const reasonFor = (m: Model, node = 'first'): string | undefined => pruneStructured(m, { ratio: 0.5 }).report.skipped.find((s) => s.name === node)?.reason;

  it('a residual Add', () => {
    expect(reasonFor(chainWith((b, h) => b.op('Add', [h, 'x'])))).toMatch(/joins the units with "x" from outside the chain \(a residual connection/);
  });
  it('a Reshape in between', () => {
    expect(reasonFor(chainWith((b, h) => { b.initializer('shape', 'int64', [2], [2, 8]); return b.op('Reshape', [h, 'shape']); }))).toMatch(/Reshape\) needs the full unit layout/);
  });
  it('a second consumer that needs the whole value', () => {
    const m = chainWith((b, h) => { b.node('Shape', [h], { outputs: ['s'] }); return b.op('Relu', [h]); });
    m.graph!.output.push({ name: 's', metadata_props: [], type: { tensor_type: { elem_type: 7, shape: { dim: [{ dim_value: 2 }] } } } });
    expect(reasonFor(m)).toMatch(/Shape\) needs the full unit layout/);
  });
  it('a hidden value that is also a graph output', () => {
    const m = chainWith((b, h) => b.op('Relu', [h]));
    m.graph!.output.push({ name: m.graph!.node[0]!.output[0]!, metadata_props: [], type: { tensor_type: { elem_type: 1 } } });
    expect(reasonFor(m)).toMatch(/is a graph output/);
  });
  it('a Gemm reading the units with transA=1', () => {
    const b = new GraphBuilder('ta');
    const x = b.input('x', 'float32', [2, 8]);
    b.initializer('W1', 'float32', [8, 8], seeded(64, 53));
    b.initializer('W2', 'float32', [2, 3], seeded(6, 54));
    const h = b.node('MatMul', [x, 'W1'], { name: 'first' })[0]!;
    b.node('Gemm', [h, 'W2'], { attributes: { transA: 1 }, outputs: ['y'] });
    b.output('y', 'float32', [8, 3]);
    expect(reasonFor(b.build())).toMatch(/transA=1/);
  });
  it('a grouped (not depthwise) Conv, and a head that is itself grouped', () => {
    const b = new GraphBuilder('grouped');
    const x = b.input('x', 'float32', [1, 4, 4, 4]);
    b.initializer('K1', 'float32', [8, 4, 1, 1], seeded(32, 55));
    b.initializer('K2', 'float32', [4, 4, 1, 1], seeded(16, 56));
    const h = b.node('Conv', [x, 'K1'], { name: 'first' })[0]!;
    b.node('Conv', [h, 'K2'], { attributes: { group: 2 }, outputs: ['y'], name: 'grouped' });
    b.output('y', 'float32', [1, 4, 4, 4]);
    const { report } = pruneStructured(b.build(), { ratio: 0.5 });
    expect(report.skipped.find((s) => s.name === 'first')!.reason).toMatch(/grouped Conv \(group=2\)/);
    expect(report.skipped.find((s) => s.name === 'grouped')!.reason).toMatch(/grouped or depthwise Conv/);
  });
  it('excluded heads, and ratios that remove nothing', () => {
    const m = chainWith((b, h) => b.op('Relu', [h]));
    expect(pruneStructured(m, { ratio: 0.5, exclude: ['W*'] }).report.skipped[0]!.reason).toBe('excluded by "W*"');
    expect(pruneStructured(m, { ratio: 0.1 }).report.skipped[0]!.reason).toBe('ratio 0.1 removes none of its 8 units');
    expect(pruneStructured(m, { ratio: 0 }).model.graph!.initializer).toEqual(m.graph!.initializer);
  });
  it('rounds the kept count up to multipleOf (fast kernels like multiples of 8)', () => {
    const b = new GraphBuilder('round');
    const x = b.input('x', 'float32', [1, 4]);
    b.initializer('A', 'float32', [4, 24], seeded(96, 81));
    b.initializer('B', 'float32', [24, 2], seeded(48, 82));
    b.node('MatMul', [b.op('Relu', [b.node('MatMul', [x, 'A'], { name: 'first' })[0]!]), 'B'], { outputs: ['y'] });
    b.output('y', 'float32', [1, 2]);
    const m = b.build();
    expect(init(pruneStructured(m, { ratio: 0.3, multipleOf: 8 }).model, 'A').dims).toEqual([4, 24]); // 17 → 24: nothing to remove
    expect(reasonFor(m)).toBeUndefined();
    expect(pruneStructured(m, { ratio: 0.3, multipleOf: 8 }).report.skipped[0]!.reason).toMatch(/rounded up to a multiple of 8/);
    expect(init(pruneStructured(m, { ratio: 0.5, multipleOf: 8 }).model, 'A').dims).toEqual([4, 16]); // 12 → 16
    expect(init(pruneStructured(m, { ratio: 0.5 }).model, 'A').dims).toEqual([4, 12]);
  });
  it('refuses bad options', () => {
    const m = chainWith((b, h) => b.op('Relu', [h]));
    for (const bad of [{ ratio: 1 }, { ratio: -0.1 }, { ratio: Number.NaN }, { ratio: 0.5, minUnits: 0 }, { ratio: 0.5, multipleOf: 0 }]) {
      expect(() => pruneStructured(m, bad)).toThrow(PareError);
    }
    expect(() => pruneStructured(m, { ratio: 1 })).toThrow(/0 ≤ ratio < 1/);
  });
});
