// The text tasks end to end on real onnxruntime (node): tiny lookup models whose answers can be worked out.
import { describe, expect, it } from 'vitest';
import { buildTinyTextClassifier, TINY_TEXT_MAX_LENGTH, TINY_TEXT_VOCAB } from '../../../../infra/models/textClassifier';
import { buildTinyEmbedder, buildTinyTokenClassifier, TINY_NER_LABELS, TINY_TASK_MAX_LENGTH, TINY_TASK_VOCAB } from '../../../../infra/models/tinyTextTasks';
import { parseManifest, type ManifestInput } from '../manifest';
import { nodeBackend } from '../node/index';
import { inlineTokenizer } from '../textFeeds';
import { runTextTask, textBatchFeeds, textTaskOf, type TextTaskName } from './taskRegistry';

const hfIo = (output: string, width: number): Partial<ManifestInput> => ({
  inputs: [{ name: 'input_ids', dtype: 'int64', shape: ['batch', 'sequence'] }, { name: 'attention_mask', dtype: 'int64', shape: ['batch', 'sequence'] }],
  outputs: [{ name: output, dtype: 'float32', shape: ['batch', 'sequence', width] }],
  preprocess: { tokenizer: { kind: 'wordpiece', vocab: TINY_TASK_VOCAB, maxLength: TINY_TASK_MAX_LENGTH, clsToken: '[CLS]' }, idsInput: 'input_ids', maskInput: 'attention_mask' },
});

const manifest = (over: Partial<ManifestInput>) => parseManifest({ model: 'm', variant: 'v', sha256: 'a'.repeat(64), bytes: 1, ...over });

async function run<K extends TextTaskName>(bytes: Uint8Array, m: ReturnType<typeof manifest>, texts: string[], task: K) {
  const session = await nodeBackend.createSession(bytes);
  try {
    return await runTextTask(m, inlineTokenizer(m), session, texts, [task]);
  } finally {
    await session.release();
  }
}

const norm = (v: number[]) => v.map((x) => x / Math.hypot(...v));

describe('feature-extraction', () => {
  const embedder = buildTinyEmbedder();
  const base = hfIo('last_hidden_state', 3);

  it('mean-pools over the mask only, then L2-normalises', async () => {
    const m = manifest({ ...base, task: 'feature-extraction', embedding: { pooling: 'mean', normalize: true } });
    const { results, encoded } = await run(embedder, m, ['John in', 'Paris'], 'feature-extraction');
    expect(encoded.dims[0]).toBe(2);
    // [CLS]=2, john=3, in=6 → rows [i, 1, -i]; the padding of "paris" ([CLS], 9, pad) is not averaged in.
    results[0]!.forEach((v, d) => expect(v).toBeCloseTo(norm([11 / 3, 1, -11 / 3])[d]!, 6));
    results[1]!.forEach((v, d) => expect(v).toBeCloseTo(norm([11 / 2, 1, -11 / 2])[d]!, 6));
  });

  it('takes the [CLS] row or the max, and leaves vectors unnormalised when told', async () => {
    const cls = await run(embedder, manifest({ ...base, task: 'feature-extraction', embedding: { pooling: 'cls', normalize: false } }), ['john in'], 'feature-extraction');
    expect(cls.results[0]).toEqual([2, 1, -2]);
    const max = await run(embedder, manifest({ ...base, task: 'feature-extraction', embedding: { pooling: 'max', normalize: false } }), ['john in', 'paris'], 'feature-extraction');
    expect(max.results).toEqual([[6, 1, -2], [9, 1, -2]]);
  });
});

describe('token-classification', () => {
  const ner = buildTinyTokenClassifier();
  const text = 'John Smithson lives in New York.';
  const entities = async (aggregation: 'none' | 'simple' | 'first' | 'average' | 'max') =>
    (await run(ner, manifest({ ...hfIo('logits', 5), task: 'token-classification', postprocess: { labels: TINY_NER_LABELS, aggregation } }), [text], 'token-classification')).results[0]!;
  const sure = Math.exp(4) / (Math.exp(4) + 4);

  it('reports each token outside "O" with its character offsets (none)', async () => {
    const found = await entities('none');
    expect(found.map((e) => ['entity' in e ? e.entity : '', e.word, e.start, e.end])).toEqual([
      ['B-PER', 'John', 0, 4], ['I-PER', 'Smith', 5, 10], ['B-LOC', 'New', 23, 26], ['I-LOC', 'York', 27, 31],
    ]);
    expect(found[0]!.score).toBeCloseTo(sure, 6);
    expect(found.map((e) => ('index' in e ? e.index : -1))).toEqual([1, 2, 6, 7]);
  });

  it('merges B-/I- neighbours into spans, per token (simple) or per word (first, average, max)', async () => {
    const spans = async (a: 'simple' | 'first' | 'average' | 'max') => (await entities(a)).map((e) => ['entity_group' in e ? e.entity_group : '', e.word, e.start, e.end]);
    expect(await spans('simple')).toEqual([['PER', 'John Smith', 0, 10], ['LOC', 'New York', 23, 31]]);
    // "smithson" = smith (I-PER, 0.93) + ##son (O, 0.99): the first piece, the mean and the surest piece disagree.
    expect(await spans('first')).toEqual([['PER', 'John Smithson', 0, 13], ['LOC', 'New York', 23, 31]]);
    expect(await spans('average')).toEqual([['PER', 'John', 0, 4], ['LOC', 'New York', 23, 31]]);
    expect(await spans('max')).toEqual([['PER', 'John', 0, 4], ['LOC', 'New York', 23, 31]]);
    expect((await entities('simple'))[1]!.score).toBeCloseTo(sure, 6);
  });

  it('opens a new entity at every B- tag', async () => {
    const found = (await run(ner, manifest({ ...hfIo('logits', 5), task: 'token-classification', postprocess: { labels: TINY_NER_LABELS, aggregation: 'simple' } }), ['paris new york'], 'token-classification')).results[0]!;
    expect(found.map((e) => e.word)).toEqual(['paris', 'new york']);
  });
});

describe('text-classification', () => {
  const classifier = buildTinyTextClassifier();
  const tiny = (post: ManifestInput['postprocess']) => manifest({
    task: 'text-classification',
    inputs: [{ name: 'input_ids', dtype: 'int64', shape: ['batch', TINY_TEXT_MAX_LENGTH] }],
    outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 2] }],
    preprocess: { tokenizer: { kind: 'wordpiece', vocab: TINY_TEXT_VOCAB, maxLength: TINY_TEXT_MAX_LENGTH, clsToken: '[CLS]' }, idsInput: 'input_ids' },
    postprocess: post,
  });

  it('classifies several texts in one run, padded to the static length the model takes', async () => {
    const { results, encoded } = await run(classifier, tiny({ labels: ['ham', 'spam'] }), ['free money now', 'lunch tomorrow', 'hello'], 'text-classification');
    expect(encoded.dims).toEqual([3, TINY_TEXT_MAX_LENGTH]);
    expect(results.map((r) => r.label)).toEqual(['spam', 'ham', 'ham']);
    for (const r of results) expect(r.scores.ham! + r.scores.spam!).toBeCloseTo(1, 6);
  });

  it('uses sigmoid scores for multi-label models', async () => {
    // "free money": mean embedding [4/8, -2/8] → logits [-0.75, 0.75].
    const soft = await run(classifier, tiny({ labels: ['ham', 'spam'] }), ['free money'], 'text-classification');
    const multi = await run(classifier, tiny({ labels: ['ham', 'spam'], activation: 'sigmoid' }), ['free money'], 'text-classification');
    expect(soft.results[0]!.scores.spam).toBeCloseTo(1 / (1 + Math.exp(-1.5)), 5);
    expect(multi.results[0]!.scores.spam).toBeCloseTo(1 / (1 + Math.exp(-0.75)), 5);
    expect(multi.results[0]!.label).toBe('spam');
  });

  it('answers the threshold label when its score reaches the manifest threshold, else the best other label', async () => {
    // "free money" scores spam 1/(1+e^-1.5) = 0.818, "hello" below 0.5.
    const strict = await run(classifier, tiny({ labels: ['ham', 'spam'], threshold: { label: 'spam', score: 0.9 } }), ['free money', 'hello'], 'text-classification');
    expect(strict.results.map((r) => r.label)).toEqual(['ham', 'ham']);
    const loose = await run(classifier, tiny({ labels: ['ham', 'spam'], threshold: { label: 'spam', score: 0.8 } }), ['free money', 'hello'], 'text-classification');
    expect(loose.results.map((r) => r.label)).toEqual(['spam', 'ham']);
    expect(loose.results[0]!.scores.spam).toBeCloseTo(1 / (1 + Math.exp(-1.5)), 5);
    await expect(run(classifier, tiny({ labels: ['ham', 'spam'], threshold: { label: 'junk', score: 0.5 } }), ['hello'], 'text-classification')).rejects.toThrow(/threshold.label "junk" is not one of the labels/);
  });

  it('marks a text cut to maxLength', async () => {
    const { encoded } = await run(classifier, tiny({ labels: ['ham', 'spam'] }), ['free '.repeat(20), 'free'], 'text-classification');
    expect(encoded.truncated).toEqual([true, false]);
  });
});

describe('textBatchFeeds', () => {
  it('fills token_type_ids and position_ids inputs in their dtypes', () => {
    const m = manifest({
      ...hfIo('logits', 5),
      inputs: [
        { name: 'input_ids', dtype: 'int64', shape: ['batch', 'sequence'] },
        { name: 'token_type_ids', dtype: 'int32', shape: ['batch', 'sequence'] },
        { name: 'position_ids', dtype: 'int64', shape: ['batch', 'sequence'] },
      ],
      preprocess: { ...hfIo('logits', 5).preprocess!, maskInput: undefined, typeIdsInput: 'token_type_ids', positionIdsInput: 'position_ids' },
    });
    const { feeds } = textBatchFeeds(m, inlineTokenizer(m), ['john', 'new york']);
    // No mask: rows keep the tokenizer's full length, so padding looks as it did in training.
    expect(feeds.input_ids!.dims).toEqual([2, TINY_TASK_MAX_LENGTH]);
    expect(feeds.token_type_ids).toEqual({ type: 'int32', dims: [2, TINY_TASK_MAX_LENGTH], data: new Int32Array(2 * TINY_TASK_MAX_LENGTH) });
    expect(Array.from(feeds.position_ids!.data as BigInt64Array).slice(TINY_TASK_MAX_LENGTH - 1, TINY_TASK_MAX_LENGTH + 2)).toEqual([15n, 0n, 1n]);
  });

  it('refuses a tensor variant with the request shape it takes', () => {
    expect(() => textTaskOf(manifest({ inputs: [{ name: 'x', dtype: 'float32', shape: [1] }], outputs: [{ name: 'y', dtype: 'float32', shape: [1] }] }))).toThrow(/not a text model; send \{ "inputs"/);
  });
});
