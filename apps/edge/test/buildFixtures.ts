// Node side of the tests: build the fixture variants (fp32 MLP, a smaller MLP, a text classifier, an embedder,
// a token classifier, two Reshape models that fail at run time or at the upload's trial run) and their
// manifests; they reach the workerd tests as a JSON binding (base64 bytes).
import { buildMlpBytes } from '../../../infra/models/defaultMlp';
import { buildTinyBagClassifier, TINY_BAG_SPEC } from '../../../infra/models/tinyBagClassifier';
import { buildTinyTextClassifier, TINY_TEXT_MAX_LENGTH, TINY_TEXT_VOCAB } from '../../../infra/models/textClassifier';
import { buildTinyEmbedder, buildTinyTokenClassifier, buildTinyVocabClassifier, TINY_NER_LABELS, TINY_TASK_MAX_LENGTH, TINY_TASK_VOCAB } from '../../../infra/models/tinyTextTasks';
import { variantManifest } from '@pare/runtime/manifest-builder';
import { sha256Hex } from '@pare/runtime';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { encodeModel, GraphBuilder } from '@pare/onnx';
import { readModelFolder } from '@pare/runtime/folder';

import type { Fixture, Fixtures } from './fixtureTypes';

function fixture(bytes: Uint8Array, manifest: unknown): Fixture {
  return { bytesBase64: Buffer.from(bytes).toString('base64'), manifest };
}

/** input [batch, n] float32 → Reshape to [-1, columns] → logits: runs only when batch·n divides by `columns`. */
function reshapeBytes(name: string, columns: number): Uint8Array {
  const b = new GraphBuilder(name);
  const x = b.input('input', 'float32', ['batch', 'n']);
  const shape = b.initializer('shape', 'int64', [2], BigInt64Array.from([-1n, BigInt(columns)]));
  b.node('Reshape', [x, shape], { outputs: ['logits'] });
  b.output('logits', 'float32', ['rows', columns]);
  return encodeModel(b.build());
}

/**
 * input [batch, 8] → MatMul with an int8 weight behind DequantizeLinear (per-column scales) → logits [batch, 4]:
 * the weight-only int8 form, which serving folds into an fp32 weight before the session is created.
 */
function int8WeightsBytes(): Uint8Array {
  const b = new GraphBuilder('mlp-int8-weights', { opset: 13 });
  const x = b.input('input', 'float32', ['batch', 8]);
  const q = b.initializer('w_quantized', 'int8', [8, 4], Int8Array.from({ length: 32 }, (_, i) => ((i * 37) % 255) - 127));
  const scale = b.initializer('w_scale', 'float32', [4], Float32Array.of(0.01, 0.02, 0.03, 0.04));
  const w = b.node('DequantizeLinear', [q, scale], { attributes: { axis: 1 }, outputs: ['w'] })[0]!;
  b.node('MatMul', [x, w], { outputs: ['logits'] });
  b.output('logits', 'float32', ['batch', 4]);
  return encodeModel(b.build());
}

/** A 30000×30000 ConstantOfShape added to the input: a few hundred bytes that ask for 3.6 GB at run time. */
function shapeBombBytes(): Uint8Array {
  const b = new GraphBuilder('shape-bomb');
  const x = b.input('input', 'float32', ['batch', 8]);
  const shape = b.initializer('shape', 'int64', [2], BigInt64Array.from([30000n, 30000n]));
  b.node('Add', [b.op('ConstantOfShape', [shape]), x], { outputs: ['logits'] });
  b.output('logits', 'float32', [30000, 30000]);
  return encodeModel(b.build());
}

/** input [batch, 3, 224, 224] float32 (an image) → per-channel mean → logits [batch, 3]. */
function imageMeanBytes(): Uint8Array {
  const b = new GraphBuilder('image-mean');
  const x = b.input('image', 'float32', ['batch', 3, 224, 224]);
  b.node('ReduceMean', [x], { attributes: { axes: [2, 3], keepdims: 0 }, outputs: ['logits'] });
  b.output('logits', 'float32', ['batch', 3]);
  return encodeModel(b.build());
}

const LM_FIXTURES = path.resolve(import.meta.dirname, '../../../packages/runtime/test/fixtures/lm');

/** A decoder LM fixture folder as imported (readModelFolder), with its tokenizer.json and the Python record. */
async function lmFixture(dir: string, expectedFrom: string): Promise<Fixture> {
  const folder = await readModelFolder(path.join(LM_FIXTURES, dir));
  const manifest = await variantManifest(folder.modelBytes, { model: 'fixture', variant: 'fixture', ...folder.fields }, folder.model);
  return {
    ...fixture(folder.modelBytes, manifest),
    tokenizerBase64: Buffer.from(folder.tokenizer.bytes).toString('base64'),
    expected: JSON.parse(fs.readFileSync(path.join(LM_FIXTURES, expectedFrom, 'expected.json'), 'utf8')),
  };
}

/** Fixtures are built for model "fixture" / variant "fixture"; tests rewrite the two names per use. */
export async function buildFixtures(): Promise<Fixtures> {
  const mlp = buildMlpBytes({ name: 'mlp', widths: [8, 16, 4], seed: 1 });
  const mlpSmall = buildMlpBytes({ name: 'mlp-small', widths: [8, 4, 4], seed: 2 });
  const text = buildTinyTextClassifier();
  const int8Weights = int8WeightsBytes();
  // The upload's trial input is [1, 64] (generateInputs's size for a dynamic dimension): 64 divides by 16, so
  // runFails is accepted and then fails on an [1, 8] request; 64 does not divide by 3, so trialFails is refused.
  const runFails = reshapeBytes('run-fails', 16);
  const trialFails = reshapeBytes('trial-fails', 3);
  const shapeBomb = shapeBombBytes();
  const image = imageMeanBytes();
  const embedder = buildTinyEmbedder();
  const ner = buildTinyTokenClassifier();
  const hfIo = (output: string, width: number) => ({
    inputs: [{ name: 'input_ids', dtype: 'int64', shape: ['batch', 'sequence'] }, { name: 'attention_mask', dtype: 'int64', shape: ['batch', 'sequence'] }],
    outputs: [{ name: output, dtype: 'float32', shape: ['batch', 'sequence', width] }],
    preprocess: { tokenizer: { kind: 'wordpiece' as const, vocab: TINY_TASK_VOCAB, maxLength: TINY_TASK_MAX_LENGTH, clsToken: '[CLS]' }, idsInput: 'input_ids', maskInput: 'attention_mask' },
  });
  // A Hugging Face tokenizer.json (the DistilBERT fixture's WordPiece, 3,000 entries) in front of a tiny model.
  const tokenizerJson = new Uint8Array(fs.readFileSync(path.resolve(import.meta.dirname, '../../../packages/runtime/test/fixtures/hf/distilbert-spam/tokenizer.json')));
  const vocabSize = Object.keys((JSON.parse(new TextDecoder().decode(tokenizerJson)) as { model: { vocab: Record<string, number> } }).model.vocab).length;
  const hfText = buildTinyVocabClassifier(vocabSize);
  // A SentencePiece tokenizer converted by transformers (Precompiled normaliser), with Python's ids for the
  // parity texts outside ASCII: what the isolate's tokenizer must reproduce.
  const hfFixtures = path.resolve(import.meta.dirname, '../../../packages/runtime/test/fixtures/hf');
  const spmJson = new Uint8Array(fs.readFileSync(path.join(hfFixtures, 'spm-tokenizer/tokenizer.json')));
  const parityTexts = JSON.parse(fs.readFileSync(path.join(hfFixtures, 'parity/texts.json'), 'utf8')) as string[];
  const spmIds = (JSON.parse(gunzipSync(fs.readFileSync(path.join(hfFixtures, 'parity/unigram-precompiled.json.gz'))).toString('utf8')) as { encodings: Array<{ ids: number[] }> }).encodings;
  const spmDoc = JSON.parse(new TextDecoder().decode(spmJson)) as { model: { vocab: unknown[] }; added_tokens: Array<{ id: number }> };
  const spmText = buildTinyVocabClassifier(Math.max(spmDoc.model.vocab.length, ...spmDoc.added_tokens.map((t) => t.id + 1)));
  const spmSamples = parityTexts.map((text, i) => ({ text, ids: spmIds[i]!.ids })).filter((s) => /[^\x00-\x7f]/.test(s.text) && s.text.length < 400).slice(0, 80);
  // A text classifier reading a Hugging Face tokenizer.json, uploaded beside it.
  const hfClassifier = async (bytes: Uint8Array, json: Uint8Array): Promise<Fixture> => ({
    ...fixture(bytes, await variantManifest(bytes, {
      model: 'fixture', variant: 'fixture', task: 'text-classification',
      ...hfIo('logits', 2),
      outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 2] }],
      preprocess: { tokenizer: { kind: 'huggingface', sha256: await sha256Hex(json), bytes: json.byteLength, maxLength: 128 }, idsInput: 'input_ids', maskInput: 'attention_mask' },
      postprocess: { labels: ['ham', 'spam'] },
    })),
    tokenizerBase64: Buffer.from(json).toString('base64'),
  });
  const reshapeIo = (columns: number) => ({ inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 'n'] }], outputs: [{ name: 'logits', dtype: 'float32', shape: ['rows', columns] }] });
  const io = { inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 8] }], outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 4] }] };
  const bag = buildTinyBagClassifier();
  return {
    bag: fixture(bag, await variantManifest(bag, {
      model: 'fixture', variant: 'fixture', task: 'text-classification',
      inputs: [{ name: 'input_ids', dtype: 'int64', shape: ['batch', 'length'] }, { name: 'attention_mask', dtype: 'int64', shape: ['batch', 'length'] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 2] }],
      preprocess: { tokenizer: TINY_BAG_SPEC, idsInput: 'input_ids', maskInput: 'attention_mask' },
      postprocess: { labels: ['ham', 'spam'], softmax: true, output: 'logits' },
    })),
    lmGpt2: await lmFixture('gpt2-sotu', 'gpt2-sotu'),
    lmGpt2NoCache: await lmFixture('gpt2-sotu-nocache', 'gpt2-sotu'),
    lmLlama: await lmFixture('llama-sotu', 'llama-sotu'),
    mlp: fixture(mlp, await variantManifest(mlp, { model: 'fixture', variant: 'fixture', ...io })),
    mlpSmall: fixture(mlpSmall, await variantManifest(mlpSmall, { model: 'fixture', variant: 'fixture', ...io })),
    mlpInt8Weights: fixture(int8Weights, await variantManifest(int8Weights, { model: 'fixture', variant: 'fixture', ...io })),
    runFails: fixture(runFails, await variantManifest(runFails, { model: 'fixture', variant: 'fixture', ...reshapeIo(16) })),
    trialFails: fixture(trialFails, await variantManifest(trialFails, { model: 'fixture', variant: 'fixture', ...reshapeIo(3) })),
    image: fixture(image, await variantManifest(image, { model: 'fixture', variant: 'fixture', inputs: [{ name: 'image', dtype: 'float32', shape: ['batch', 3, 224, 224] }], outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 3] }] })),
    shapeBomb: fixture(shapeBomb, await variantManifest(shapeBomb, { model: 'fixture', variant: 'fixture', inputs: io.inputs, outputs: [{ name: 'logits', dtype: 'float32', shape: [30000, 30000] }] })),
    embedder: fixture(embedder, await variantManifest(embedder, { model: 'fixture', variant: 'fixture', task: 'feature-extraction', ...hfIo('last_hidden_state', 3), embedding: { pooling: 'mean', normalize: true } })),
    ner: fixture(ner, await variantManifest(ner, { model: 'fixture', variant: 'fixture', task: 'token-classification', ...hfIo('logits', TINY_NER_LABELS.length), postprocess: { labels: TINY_NER_LABELS, aggregation: 'simple' } })),
    hfUnigram: { ...(await hfClassifier(spmText, spmJson)), expected: spmSamples },
    hfText: await hfClassifier(hfText, tokenizerJson),
    text: fixture(
      text,
      await variantManifest(text, {
        model: 'fixture',
        variant: 'fixture',
        task: 'text-classification',
        inputs: [{ name: 'input_ids', dtype: 'int64', shape: ['batch', TINY_TEXT_MAX_LENGTH] }],
        outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 2] }],
        preprocess: { tokenizer: { kind: 'wordpiece', vocab: TINY_TEXT_VOCAB, maxLength: TINY_TEXT_MAX_LENGTH, clsToken: '[CLS]' }, idsInput: 'input_ids' },
        postprocess: { labels: ['ham', 'spam'], softmax: true },
      }),
    ),
  };
}
