// Small models the tests and the forms benchmark build themselves, with seeded weights.
import { GraphBuilder, type Model } from '@pare/onnx';
import { seededFloats } from './runtimes';

/** MLP x[batch, sizes[0]] → MatMul+Add+Relu … → logits; `gemm` writes the layers as Gemm (transB=1, alpha/beta ≠ 1 on one). */
export function mlp(sizes: number[], options: { gemm?: boolean; opset?: number; seed?: number } = {}): Model {
  const b = new GraphBuilder('mlp', { opset: options.opset ?? 17 });
  let h = b.input('x', 'float32', ['batch', sizes[0]!]);
  let seed = options.seed ?? 1;
  for (let i = 0; i + 1 < sizes.length; i++) {
    const [k, n] = [sizes[i]!, sizes[i + 1]!];
    const bound = Math.sqrt(6 / (k + n));
    const bias = b.initializer(`b${i}`, 'float32', [n], seededFloats(n, seed++, -0.1, 0.1));
    if (options.gemm) {
      // Stored [N, K] with transB=1, as PyTorch exports Linear; the last layer also exercises alpha and beta.
      const w = b.initializer(`w${i}`, 'float32', [n, k], seededFloats(k * n, seed++, -bound, bound));
      const last = i + 2 === sizes.length;
      h = b.op('Gemm', [h, w, bias], { transB: 1, ...(last ? { alpha: { float: 0.5 }, beta: { float: 2 } } : {}) });
    } else {
      const w = b.initializer(`w${i}`, 'float32', [k, n], seededFloats(k * n, seed++, -bound, bound));
      h = b.op('Add', [b.op('MatMul', [h, w]), bias]);
    }
    if (i + 2 < sizes.length) h = b.op('Relu', [h]);
  }
  b.output(h, 'float32', ['batch', sizes[sizes.length - 1]!]);
  return b.build();
}

/** A small conv net (two Conv+Relu, global pool, Gemm head) for the static and weight-only passes. */
export function convNet(options: { opset?: number; skewed?: boolean } = {}): Model {
  const b = new GraphBuilder('convnet', { opset: options.opset ?? 17 });
  const x = b.input('x', 'float32', ['batch', 3, 32, 32]);
  const w1 = b.initializer('conv1.w', 'float32', [16, 3, 3, 3], seededFloats(16 * 27, 11, -0.4, 0.4));
  const b1 = b.initializer('conv1.b', 'float32', [16], seededFloats(16, 12, -0.1, 0.1));
  // `skewed`: every weight of conv2 negative, the case where symmetric scales waste half the int8 grid.
  const [lo, hi] = options.skewed ? [-0.2, -0.05] : [-0.15, 0.15];
  const w2 = b.initializer('conv2.w', 'float32', [32, 16, 3, 3], seededFloats(32 * 144, 13, lo, hi));
  const b2 = b.initializer('conv2.b', 'float32', [32], seededFloats(32, 14, -0.1, 0.1));
  const h1 = b.op('Relu', [b.op('Conv', [x, w1, b1], { pads: [1, 1, 1, 1] })]);
  const h2 = b.op('Conv', [h1, w2, b2], { pads: [1, 1, 1, 1], strides: [2, 2] });
  const pooled = b.op('Flatten', [b.op('GlobalAveragePool', [options.skewed ? h2 : b.op('Relu', [h2])])]);
  const wf = b.initializer('fc.w', 'float32', [10, 32], seededFloats(320, 15, -0.3, 0.3));
  const bf = b.initializer('fc.b', 'float32', [10], seededFloats(10, 16, -0.1, 0.1));
  const y = b.op('Gemm', [pooled, wf, bf], { transB: 1 });
  b.output(y, 'float32', ['batch', 10]);
  return b.build();
}

/** Embedding lookup (Gather on a [vocab, dim] table) → mean over tokens → MatMul head. */
export function embeddingModel(vocab = 1000, dim = 64): Model {
  const b = new GraphBuilder('embed', { opset: 17 });
  const ids = b.input('ids', 'int64', ['batch', 'tokens']);
  const table = b.initializer('embedding', 'float32', [vocab, dim], seededFloats(vocab * dim, 21, -1, 1));
  const e = b.op('Gather', [table, ids], { axis: 0 });
  const mean = b.op('ReduceMean', [e], { axes: [1], keepdims: 0 });
  const w = b.initializer('head.w', 'float32', [dim, 8], seededFloats(dim * 8, 22, -0.3, 0.3));
  const y = b.op('MatMul', [mean, w]);
  b.output(y, 'float32', ['batch', 8]);
  return b.build();
}

/** One embedding table read by two Gathers (unigram and shifted ids, as a bag over hashed n-grams reads it). */
export function sharedTableModel(vocab = 500, dim = 16): Model {
  const b = new GraphBuilder('shared-table', { opset: 17 });
  const ids = b.input('ids', 'int64', ['batch', 'tokens']);
  const table = b.initializer('table', 'float32', [vocab, dim], seededFloats(vocab * dim, 31, -1, 1));
  const shift = b.initializer('shift', 'int64', [], BigInt64Array.of(7n));
  const first = b.op('Gather', [table, ids], { axis: 0 });
  const second = b.op('Gather', [table, b.op('Add', [ids, shift])], { axis: 0 });
  const mean = b.op('ReduceMean', [b.op('Add', [first, second])], { axes: [1], keepdims: 0 });
  b.output(mean, 'float32', ['batch', dim]);
  return b.build();
}
