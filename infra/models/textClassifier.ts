// A tiny text classifier (embedding → mean → linear) with a wordpiece tokenizer in its manifest: it exercises
// the edge's text path in tests until the distilled spam model exists.
import { GraphBuilder, encodeModel } from '@pare/onnx';
import { seededRandom } from './defaultMlp';

export const TINY_TEXT_VOCAB = ['[PAD]', '[UNK]', '[CLS]', 'free', 'money', 'win', 'now', 'hello', 'meeting', 'tomorrow', 'lunch', '##s'];
export const TINY_TEXT_MAX_LENGTH = 8;

export function buildTinyTextClassifier(): Uint8Array {
  const random = seededRandom(7);
  const dim = 4;
  const b = new GraphBuilder('tiny-text');
  const ids = b.input('input_ids', 'int64', ['batch', TINY_TEXT_MAX_LENGTH]);
  // Spammy words push column 1 up, the others column 0.
  const spammy = new Set(['free', 'money', 'win', 'now']);
  const embedding = TINY_TEXT_VOCAB.flatMap((word) => (spammy.has(word) ? [2, -1, random(), random()] : word.startsWith('[') ? [0, 0, 0, 0] : [-1, 2, random(), random()]));
  const table = b.initializer('embedding', 'float32', [TINY_TEXT_VOCAB.length, dim], embedding);
  const gathered = b.op('Gather', [table, ids]);
  const mean = b.op('ReduceMean', [gathered], { axes: [1], keepdims: 0 });
  const w = b.initializer('classifier.weight', 'float32', [dim, 2], [-1, 1, 1, -1, 0, 0, 0, 0]);
  b.node('MatMul', [mean, w], { outputs: ['logits'] });
  b.output('logits', 'float32', ['batch', 2]);
  return encodeModel(b.build());
}
