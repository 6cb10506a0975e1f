// The text tasks, as data: task name → how texts become feeds and how outputs become each text's answer
// (transformers.js keeps the same kind of table). Routes, the upload's trial run and `pare eval` look a
// task up here instead of special-casing it; `tensor` variants take named tensors and are not listed.
import { PareError } from '@pare/errors';
import type { HostTensor, InferenceSession } from '../backend/inferenceBackend';
import type { Manifest } from '../manifest';
import type { EncodedBatch, TextTokenizer } from '../text/textTokenizer';
import { embedOutputs } from './featureExtraction';
import { textBatchFeeds, type TaskFeeds } from './textBatchFeeds';
import { classifyOutputs, type TextPrediction } from './textClassification';
import { tokenEntities, type TokenEntities } from './tokenClassification';
import { decoderBatchFeeds, nextTokenOutputs, type NextTokens } from './generation/nextTokens';

export type { TextPrediction } from './textClassification';
export type { TokenEntities } from './tokenClassification';
export type { NextTokens } from './generation/nextTokens';
export type { EntityGroup, TokenPrediction, Aggregation } from './entityGrouping';
export { cleanTexts, textBatchFeeds, type TaskFeeds } from './textBatchFeeds';

export interface TextTask<R> {
  feeds(manifest: Manifest, tokenizer: TextTokenizer, texts: readonly string[]): TaskFeeds;
  /** One answer per text. */
  post(manifest: Manifest, outputs: Record<string, HostTensor>, encoded: EncodedBatch, texts: readonly string[]): R[];
}

export interface TextTaskResults {
  'text-classification': TextPrediction;
  'feature-extraction': number[];
  'token-classification': TokenEntities;
  'text-generation': NextTokens;
}

export type TextTaskName = keyof TextTaskResults;

/** Tasks whose answers never point into the text skip aligning tokens to it. */
const withoutOffsets: TextTask<unknown>['feeds'] = (manifest, tokenizer, texts) => textBatchFeeds(manifest, tokenizer, texts, { offsets: false });

export const textTasks: { [K in TextTaskName]: TextTask<TextTaskResults[K]> } = {
  'text-classification': { feeds: withoutOffsets, post: (manifest, outputs, _encoded, texts) => classifyOutputs(manifest, outputs, texts) },
  'feature-extraction': { feeds: withoutOffsets, post: embedOutputs },
  'token-classification': { feeds: textBatchFeeds, post: tokenEntities },
  'text-generation': { feeds: decoderBatchFeeds, post: (manifest, outputs, encoded) => nextTokenOutputs(manifest, outputs, encoded) },
};

export function isTextTask(task: string): task is TextTaskName {
  return Object.hasOwn(textTasks, task);
}

/** The manifest's task entry; a variant of another task is refused (400) with what it does take. */
export function textTaskOf<K extends TextTaskName>(manifest: Manifest, expected?: readonly K[]): TextTask<TextTaskResults[K]> {
  const task = manifest.task;
  const name = `Variant "${manifest.model}/${manifest.variant}"`;
  if (!isTextTask(task)) throw new PareError('input_invalid', `${name} is not a text model; send { "inputs": { ... } }.`, { status: 400, details: { task } });
  if (expected && !expected.includes(task as K)) {
    throw new PareError('task_mismatch', `${name} is a ${task} model; this route serves ${expected.join(' and ')}.`, { status: 400, details: { task } });
  }
  return textTasks[task as K] as TextTask<TextTaskResults[K]>;
}

export interface TextTaskRun<R> {
  results: R[];
  encoded: EncodedBatch;
  /** Milliseconds inside session.run (tokenizing and post-processing excluded). */
  inferMs: number;
  tokenizeMs: number;
}

/** Tokenize, run and post-process a batch of texts with the manifest's task. */
export async function runTextTask<K extends TextTaskName>(manifest: Manifest, tokenizer: TextTokenizer, session: InferenceSession, texts: readonly string[], expected?: readonly K[]): Promise<TextTaskRun<TextTaskResults[K]>> {
  const task = textTaskOf(manifest, expected);
  const t0 = performance.now();
  const fed = task.feeds(manifest, tokenizer, texts);
  const t1 = performance.now();
  const outputs = await session.run(fed.feeds);
  const t2 = performance.now();
  return { results: task.post(manifest, outputs, fed.encoded, fed.texts), encoded: fed.encoded, inferMs: t2 - t1, tokenizeMs: t1 - t0 };
}
