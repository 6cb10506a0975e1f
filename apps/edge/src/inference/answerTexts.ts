// Run a text variant's task on a request's texts: its tokenizer, its pre- and post-processing from the task
// registry, and how long inputs were cut (stated in the response when any was).
import { PareError } from '@pare/errors';
import { runTextTask, type TextTaskName, type TextTaskResults } from '@pare/runtime';
import type { ServingVariant } from './servingVariant';

export interface Truncation {
  /** "right" keeps the start of a text, "left" its end. */
  strategy: 'right' | 'left';
  maxLength: number;
  /** Indexes of the texts that were cut. */
  texts: number[];
}

export interface TextAnswer<R> {
  results: R[];
  inferMs: number;
  tokenizeMs: number;
  /** Real tokens fed (special tokens included, padding not). */
  tokens: number;
  truncation?: Truncation;
}

export async function answerTexts<K extends TextTaskName>(serving: ServingVariant, texts: string[], tasks: readonly K[]): Promise<TextAnswer<TextTaskResults[K]>> {
  const { tokenizer } = serving;
  if (!tokenizer) {
    throw new PareError('input_invalid', `Variant "${serving.model}/${serving.variant}" is not a text model; send { "inputs": { ... } }.`, { status: 400 });
  }
  const run = await runTextTask(serving.manifest, tokenizer, serving.session, texts, tasks);
  const cut = run.encoded.truncated.flatMap((t, i) => (t ? [i] : []));
  let tokens = 0;
  for (const m of run.encoded.attentionMask) tokens += Number(m);
  return {
    results: run.results,
    inferMs: run.inferMs,
    tokenizeMs: run.tokenizeMs,
    tokens,
    truncation: cut.length > 0 ? { strategy: tokenizer.truncation, maxLength: tokenizer.maxLength, texts: cut } : undefined,
  };
}
