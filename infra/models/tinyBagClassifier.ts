// A tiny hashed n-gram bag classifier (the shape of packages/distill's bag student: Gather the n-gram rows,
// masked mean, MatMul) whose answers can be worked out: the ids of "free", "money", "win" and "now" are
// spam rows, every other id a ham row. It exercises the edge's hashed-ngrams tokenizer kind in workerd.
import { GraphBuilder, encodeModel } from '@pare/onnx';
import { hashedNgramIds, hashedNgramSpecOf } from '@pare/runtime';

export const TINY_BAG_SPEC = hashedNgramSpecOf({ kind: 'hashed-ngrams', buckets: 512, wordNgrams: 1, maxLength: 32 });

export function buildTinyBagClassifier(): Uint8Array {
  const spammy = new Set(['free', 'money', 'win', 'now'].flatMap((w) => hashedNgramIds(TINY_BAG_SPEC, w).ids));
  // Row 0 pads; a spam row scores [0, 2], a ham row [2, 0].
  const table = Array.from({ length: TINY_BAG_SPEC.buckets }, (_, id) => (id === 0 ? [0, 0] : spammy.has(id) ? [0, 2] : [2, 0])).flat();
  const b = new GraphBuilder('tiny-bag', { opset: 17 });
  const ids = b.input('input_ids', 'int64', ['batch', 'length']);
  const mask = b.input('attention_mask', 'int64', ['batch', 'length']);
  const emb = b.initializer('emb', 'float32', [TINY_BAG_SPEC.buckets, 2], Float32Array.from(table));
  const axis1 = b.initializer('axis_1', 'int64', [1], BigInt64Array.of(1n));
  const axis2 = b.initializer('axis_2', 'int64', [1], BigInt64Array.of(2n));
  const m3 = b.op('Unsqueeze', [b.op('Cast', [mask], { to: 1 }), axis2]);
  const sum = b.op('ReduceSum', [b.op('Mul', [b.op('Gather', [emb, ids]), m3]), axis1], { keepdims: 0 });
  b.node('Div', [sum, b.op('ReduceSum', [m3, axis1], { keepdims: 0 })], { outputs: ['logits'] });
  b.output('logits', 'float32', ['batch', 2]);
  return encodeModel(b.build());
}
