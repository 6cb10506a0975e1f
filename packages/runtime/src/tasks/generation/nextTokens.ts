// text-generation in the task registry: a batch of texts → the most probable next tokens after each one (what
// /predict-style callers and an upload's trial run get); generating and scoring have their own routes.
import type { HostTensor } from '../../backend/inferenceBackend';
import type { Manifest } from '../../manifest';
import type { EncodedBatch, TextTokenizer } from '../../text/textTokenizer';
import { floatOutput } from '../outputValues';
import { textBatchFeeds, type TaskFeeds } from '../textBatchFeeds';
import { emptyCache, requireGeneration } from './decoderSteps';
import { topLogProbs } from './logProbs';

export const NEXT_TOKENS = 5;

export interface NextTokens {
  next: Array<{ id: number; logprob: number }>;
}

/** The texts' rows, with an empty cache for a cached decoder (positions count from 0, as textBatchFeeds fills them). */
export function decoderBatchFeeds(manifest: Manifest, tokenizer: TextTokenizer, texts: readonly string[]): TaskFeeds {
  const batch = textBatchFeeds(manifest, tokenizer, texts);
  return { ...batch, feeds: { ...batch.feeds, ...emptyCache(requireGeneration(manifest), texts.length) } };
}

export function nextTokenOutputs(manifest: Manifest, outputs: Record<string, HostTensor>, encoded: EncodedBatch): NextTokens[] {
  const logits = floatOutput(manifest, outputs, requireGeneration(manifest).logits, [3]);
  const [batch = 0, seq = 0, vocab = 0] = logits.dims;
  const out: NextTokens[] = [];
  for (let b = 0; b < batch; b++) {
    let last = 0;
    for (let t = 0; t < seq; t++) if (encoded.attentionMask[b * seq + t] === 1n) last = t;
    const start = (b * seq + last) * vocab;
    out.push({ next: topLogProbs(Array.prototype.slice.call(logits.data, start, start + vocab) as number[], NEXT_TOKENS) });
  }
  return out;
}
