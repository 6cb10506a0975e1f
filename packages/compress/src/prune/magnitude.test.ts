import { describe, expect, it } from 'vitest';
import { GraphBuilder, readTensor, type Model, type Tensor } from '@pare/onnx';
import { PareError } from '@pare/errors';
import { pruneMagnitude } from './magnitude';
import { runNode, runWeb, feed } from '../../test/pruneRuntime';

const init = (m: Model, name: string): Tensor => m.graph!.initializer.find((t) => t.name === name)!;
const values = (m: Model, name: string): number[] => Array.from(readTensor(init(m, name)) as Float32Array);

/** x[2,4] → MatMul W[4,3] → Gemm(G[3,2], bias C[2]); W and G hand-picked so every cut is checkable by eye. */
function twoLayers(): Model {
  const b = new GraphBuilder('two');
  const x = b.input('x', 'float32', [2, 4]);
  b.initializer('W', 'float32', [4, 3], [0.5, -0.05, 2, -0.3, 0.1, 0.01, 1, -1, 0.2, -0.02, 0.4, 3]);
  b.initializer('G', 'float32', [3, 2], [10, -20, 30, -5, 1, 2]);
  b.initializer('C', 'float32', [2], [0.001, -0.002]);
  const h = b.node('MatMul', [x, 'W'], { name: 'mm' })[0]!;
  b.node('Gemm', [h, 'G', 'C'], { name: 'gemm', outputs: ['y'] });
  b.output('y', 'float32', [2, 2]);
  return b.build();
}

describe('pruneMagnitude: threshold', () => {
  it('zeroes exactly the weights with |w| < t, leaves biases, reports sparsity per tensor', () => {
    const model = twoLayers();
    const before = structuredClone(model);
    const { model: out, report } = pruneMagnitude(model, { threshold: 0.25, minElements: 0 });
    expect(values(out, 'W')).toEqual([0.5, 0, 2, -0.3, 0, 0, 1, -1, 0, 0, 0.4, 3].map(Math.fround));
    expect(values(out, 'G')).toEqual([10, -20, 30, -5, 1, 2]);
    expect(values(out, 'C')).toEqual([0.001, -0.002].map(Math.fround));
    expect(report.tensors.map((t) => [t.name, t.sparsity])).toEqual([['W', 5 / 12], ['G', 0]]);
    expect(report.tensors[0]!.detail).toMatchObject({ zeroed: 5, nodes: 'mm' });
    expect(model).toEqual(before); // pure: the input is untouched
  });

  it('a threshold equal to a weight keeps that weight (strictly less than)', () => {
    const { model: out } = pruneMagnitude(twoLayers(), { threshold: 0.5, minElements: 0 });
    expect(values(out, 'W').filter((v) => v !== 0)).toEqual([0.5, 2, 1, -1, 3]);
  });
});

describe('pruneMagnitude: target sparsity', () => {
  it('per layer: the same fraction in each tensor, exactly, ties broken in order', () => {
    const b = new GraphBuilder('ties');
    const x = b.input('x', 'float32', [1, 2]);
    b.initializer('T', 'float32', [2, 4], [0.1, -0.1, 0.1, 0.3, 0, 0.1, -0.2, 0.4]);
    b.node('MatMul', [x, 'T'], { outputs: ['y'] });
    b.output('y', 'float32', [1, 4]);
    // 4 of 8 must go: the 0, then three of the four ±0.1 in order of appearance; the last 0.1 stays.
    const { model: out, report } = pruneMagnitude(b.build(), { sparsity: 0.5, minElements: 0 });
    expect(values(out, 'T')).toEqual([0, 0, 0, 0.3, 0, 0.1, -0.2, 0.4].map(Math.fround));
    expect(report.tensors[0]!.sparsity).toBe(0.5);
    expect(report.tensors[0]!.detail).toMatchObject({ zeroed: 3, sparsityBefore: 1 / 8 });
  });

  it('global: one cut across tensors, so the small-scale layer loses more', () => {
    const model = twoLayers();
    const perLayer = pruneMagnitude(model, { sparsity: 0.5, minElements: 0 });
    expect(perLayer.report.tensors.map((t) => t.sparsity)).toEqual([0.5, 0.5]);
    // 18 magnitudes, 9 go: W's 0.01 0.02 0.05 0.1 0.2 0.3 0.4 0.5, then one of the three 1s (W's 1, W's -1,
    // G's 1): the first in order, W's 1. G, whose weights are all large, keeps everything.
    const global = pruneMagnitude(model, { sparsity: 0.5, scope: 'global', minElements: 0 });
    expect(values(global.model, 'W')).toEqual([0, 0, 2, 0, 0, 0, 0, -1, 0, 0, 0, 3]);
    expect(values(global.model, 'G')).toEqual([10, -20, 30, -5, 1, 2]);
    const zeros = global.report.tensors.reduce((n, t) => n + t.sparsity! * (t.shapeAfter[0]! * t.shapeAfter[1]!), 0);
    expect(zeros).toBeCloseTo(9);
  });

  it('sparsity 0 changes nothing; sparsity 1 zeroes every eligible weight', () => {
    expect(values(pruneMagnitude(twoLayers(), { sparsity: 0, minElements: 0 }).model, 'W')).toEqual(values(twoLayers(), 'W'));
    expect(values(pruneMagnitude(twoLayers(), { sparsity: 1, minElements: 0 }).model, 'G')).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('pruneMagnitude: what is eligible', () => {
  it('skips small tensors by default and says so', () => {
    const { report } = pruneMagnitude(twoLayers(), { threshold: 1 });
    expect(report.tensors).toEqual([]);
    expect(report.skipped).toEqual([
      { name: 'W', reason: '12 elements, fewer than minElements 1024' },
      { name: 'G', reason: '6 elements, fewer than minElements 1024' },
    ]);
  });

  it('excludes by tensor name, node name and glob', () => {
    const byTensor = pruneMagnitude(twoLayers(), { threshold: 100, minElements: 0, exclude: ['W'] });
    expect(byTensor.report.tensors.map((t) => t.name)).toEqual(['G']);
    expect(byTensor.report.skipped).toEqual([{ name: 'W', reason: 'excluded by "W"' }]);
    const byNode = pruneMagnitude(twoLayers(), { threshold: 100, minElements: 0, exclude: ['gemm'] });
    expect(byNode.report.tensors.map((t) => t.name)).toEqual(['W']);
    const byGlob = pruneMagnitude(twoLayers(), { threshold: 100, minElements: 0, exclude: ['g*'] });
    expect(values(byGlob.model, 'G')).toEqual([10, -20, 30, -5, 1, 2]);
  });

  it('prunes Conv weights but not Conv biases, BatchNorm or LayerNorm parameters', () => {
    const b = new GraphBuilder('conv');
    const x = b.input('x', 'float32', [1, 2, 4, 4]);
    b.initializer('K', 'float32', [3, 2, 1, 1], [0.01, 1, -0.02, 2, 0.03, -3]);
    b.initializer('Kb', 'float32', [3], [0.001, 0.002, 0.003]);
    for (const p of ['s', 'bb', 'mu', 'var']) b.initializer(p, 'float32', [3], [0.001, 0.001, 1]);
    const c = b.op('Conv', [x, 'K', 'Kb']);
    b.node('BatchNormalization', [c, 's', 'bb', 'mu', 'var'], { outputs: ['y'] });
    b.output('y', 'float32', [1, 3, 4, 4]);
    const { model: out, report } = pruneMagnitude(b.build(), { threshold: 0.1, minElements: 0 });
    expect(report.tensors.map((t) => t.name)).toEqual(['K']);
    expect(values(out, 'K')).toEqual([0, 1, 0, 2, 0, -3]);
    expect(values(out, 'Kb')).toEqual([0.001, 0.002, 0.003].map(Math.fround));
    expect(values(out, 's')).toEqual([0.001, 0.001, 1].map(Math.fround));
  });

  it('reads weights stored in typed fields or in Constant nodes and writes raw_data', () => {
    const model = twoLayers();
    const g = model.graph!;
    // W as float_data instead of raw bytes.
    const w = init(model, 'W');
    g.initializer[g.initializer.indexOf(w)] = { ...w, raw_data: undefined, float_data: Array.from(readTensor(w) as Float32Array) };
    // G as a Constant node.
    const G = init(model, 'G');
    g.initializer = g.initializer.filter((t) => t !== G);
    g.node.unshift({ op_type: 'Constant', input: [], output: ['G'], name: 'constG', attribute: [{ name: 'value', type: 4, t: G, floats: [], ints: [], strings: [], tensors: [], graphs: [], sparse_tensors: [], type_protos: [] }], metadata_props: [] });
    const { model: out, report } = pruneMagnitude(model, { threshold: 1.5, minElements: 0 });
    expect(report.notes).toContain('1 Constant node(s) turned into initializers');
    expect(init(out, 'W').raw_data?.byteLength).toBe(48);
    expect(init(out, 'W').float_data).toEqual([]);
    expect(values(out, 'W')).toEqual([0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 3]);
    expect(values(out, 'G')).toEqual([10, -20, 30, -5, 0, 2]);
  });

  it('leaves non-float weights alone with a reason', () => {
    const b = new GraphBuilder('int');
    const x = b.input('x', 'int32', [1, 2]);
    b.initializer('I', 'int32', [2, 2], [1, 2, 3, 4]);
    b.node('MatMul', [x, 'I'], { outputs: ['y'] });
    b.output('y', 'int32', [1, 2]);
    const { report } = pruneMagnitude(b.build(), { threshold: 10, minElements: 0 });
    expect(report.skipped[0]!.reason).toMatch(/not float32/);
  });
});

describe('pruneMagnitude: options', () => {
  it.each([
    [{}, /exactly one of/],
    [{ threshold: 1, sparsity: 0.5 }, /exactly one of/],
    [{ threshold: -1 }, /threshold must be/],
    [{ sparsity: 1.5 }, /sparsity must be between 0 and 1/],
    [{ sparsity: 0.5, scope: 'layer' }, /scope must be/],
    [{ threshold: 0.1, scope: 'global' }, /scope applies to `sparsity` only/],
    [{ sparsity: 0.5, minElements: -3 }, /minElements/],
  ])('%j is refused with a message naming the field', (options, message) => {
    const run = (): unknown => pruneMagnitude(twoLayers(), options as never);
    expect(run).toThrow(PareError);
    expect(run).toThrow(message);
  });
});

describe('pruneMagnitude: the result runs', () => {
  it('in onnxruntime-node and onnxruntime-web, giving the product with the pruned weights', async () => {
    const { model: out } = pruneMagnitude(twoLayers(), { threshold: 0.25, minElements: 0 });
    const x = feed([2, 4], 7);
    const xs = x.data as Float32Array;
    const W = values(out, 'W');
    const G = values(out, 'G');
    const C = values(out, 'C');
    const expected: number[] = [];
    for (let r = 0; r < 2; r++) {
      const h = [0, 1, 2].map((j) => [0, 1, 2, 3].reduce((s, k) => s + xs[r * 4 + k]! * W[k * 3 + j]!, 0));
      for (let j = 0; j < 2; j++) expected.push([0, 1, 2].reduce((s, k) => s + h[k]! * G[k * 2 + j]!, C[j]!));
    }
    for (const run of [runNode, runWeb]) {
      const y = (await run(out, { x })).y!;
      expect(Array.from(y).map((v, i) => Math.abs(v - expected[i]!))).toSatisfy((d: number[]) => d.every((e) => e < 1e-4));
    }
  });
});
