// Feeds made for a variant without a caller: the upload's trial run (trialRun.ts) and the warm-up of a new
// session (warmUpSession.ts). Tensor variants get generated tensors of the manifest's dtypes (batch 1, the
// generator's default size for other dynamic dimensions) through the same conversion as a request's JSON; text
// variants get a text through their tokenizer and task, as a request would.
import { generateInputs, inlineTokenizer, isTextTask, textTaskOf, type ElementType, type EncodedBatch, type Feeds, type Manifest, type TextTokenizer } from '@pare/runtime';
import { toHostTensor } from './tensorCodec';

/** Generated tensors through the same conversion as a request's JSON (float16 and strings included). */
export function generatedTensorFeeds(manifest: Manifest): Feeds {
  const generatable = (dtype: string): ElementType => (dtype === 'float16' || dtype === 'string' ? 'float32' : (dtype as ElementType));
  const [generated] = generateInputs(manifest.inputs.map((s) => ({ name: s.name, type: generatable(s.dtype), shape: s.shape })), { count: 1 });
  const feeds: Feeds = {};
  for (const spec of manifest.inputs) {
    const t = generated![spec.name]!;
    const values = Array.from(t.data as ArrayLike<number | bigint>, (v) => (spec.dtype === 'string' ? String(v) : Number(v)));
    feeds[spec.name] = toHostTensor(spec, [...t.dims], values);
  }
  return feeds;
}

export interface TextFeeds {
  feeds: Feeds;
  encoded: EncodedBatch;
}

/** A text variant's feeds for one text; undefined for a tensor variant. */
export function textFeeds(manifest: Manifest, text: string, tokenizer?: TextTokenizer): TextFeeds | undefined {
  if (!isTextTask(manifest.task) || !manifest.preprocess) return undefined;
  return textTaskOf(manifest).feeds(manifest, tokenizer ?? inlineTokenizer(manifest), [text]);
}
