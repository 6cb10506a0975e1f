// Tiny models for the text tasks other than classification (see ./textClassifier.ts for that one): an
// embedding lookup is the whole graph, so pooled vectors and per-token labels can be worked out by hand in
// tests. Both take `input_ids` and `attention_mask` of any length, as Hugging Face exports do.
import { GraphBuilder, encodeModel } from '@pare/onnx';
import { seededRandom } from './defaultMlp';

export const TINY_TASK_VOCAB = ['[PAD]', '[UNK]', '[CLS]', 'john', 'smith', 'lives', 'in', 'new', 'york', 'paris', '##son', '.'];
export const TINY_TASK_MAX_LENGTH = 16;
export const TINY_NER_LABELS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];

/** Per word, the label its row favours (4 for the winner, 0 elsewhere); "##son" is a confident O, so the word-level strategies disagree on "smithson". */
const NER_ROWS: Record<string, number[]> = {
  john: [0, 4, 0, 0, 0],
  smith: [0, 0, 4, 0, 0],
  '##son': [6, 0, 0, 0, 0],
  new: [0, 0, 0, 4, 0],
  york: [0, 0, 0, 0, 4],
  paris: [0, 0, 0, 4, 0],
};

function lookupModel(name: string, output: string, width: number, row: (word: string, i: number) => number[]): Uint8Array {
  const b = new GraphBuilder(name);
  const ids = b.input('input_ids', 'int64', ['batch', 'sequence']);
  b.input('attention_mask', 'int64', ['batch', 'sequence']);
  const table = b.initializer('embeddings', 'float32', [TINY_TASK_VOCAB.length, width], TINY_TASK_VOCAB.flatMap(row));
  b.node('Gather', [table, ids], { outputs: [output] });
  b.output(output, 'float32', ['batch', 'sequence', width]);
  return encodeModel(b.build());
}

/** last_hidden_state[token] = [i, 1, -i] for vocabulary entry i. */
export function buildTinyEmbedder(): Uint8Array {
  return lookupModel('tiny-embedder', 'last_hidden_state', 3, (_w, i) => [i, 1, -i]);
}

/** logits[token] = NER_ROWS[word] (zeros, i.e. a uniform guess, for other entries). */
export function buildTinyTokenClassifier(): Uint8Array {
  return lookupModel('tiny-ner', 'logits', TINY_NER_LABELS.length, (w) => NER_ROWS[w] ?? [0, 0, 0, 0, 0]);
}

/** A classifier over any vocabulary (a Hugging Face tokenizer's): embedding [vocab, 2] → mean → logits [batch, 2]. */
export function buildTinyVocabClassifier(vocabSize: number): Uint8Array {
  const random = seededRandom(11);
  const b = new GraphBuilder('tiny-vocab-classifier');
  const ids = b.input('input_ids', 'int64', ['batch', 'sequence']);
  b.input('attention_mask', 'int64', ['batch', 'sequence']);
  const table = b.initializer('embeddings', 'float32', [vocabSize, 2], Array.from({ length: vocabSize * 2 }, () => random() - 0.5));
  const mean = b.op('ReduceMean', [b.op('Gather', [table, ids])], { axes: [1], keepdims: 0 });
  b.node('Identity', [mean], { outputs: ['logits'] });
  b.output('logits', 'float32', ['batch', 2]);
  return encodeModel(b.build());
}
