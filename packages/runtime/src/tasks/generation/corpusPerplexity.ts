// A language model's perplexity over a set of texts, at corpus level: exp of minus the summed log-likelihood over
// the summed scored tokens (so long texts weigh by their tokens, as `pare eval` and the LM bench count it).
import type { InferenceSession } from '../../backend/inferenceBackend';
import type { Manifest } from '../../manifest';
import type { TextTokenizer } from '../../text/textTokenizer';
import { scoreTexts } from './sequenceScore';

export interface CorpusPerplexity {
  perplexity: number;
  logLikelihood: number;
  tokens: number;
  /** Per text, the model's most probable token after each scored position (for top-1 agreement). */
  predicted: number[][];
}

/** NaN perplexity when no text has two tokens (nothing to score). */
export async function corpusPerplexity(manifest: Manifest, tokenizer: TextTokenizer, session: InferenceSession, texts: readonly string[]): Promise<CorpusPerplexity> {
  const run = await scoreTexts(manifest, tokenizer, session, texts);
  let logLikelihood = 0, tokens = 0;
  for (const s of run.scores) { logLikelihood += s.logLikelihood; tokens += s.tokens; }
  return { perplexity: tokens > 0 ? Math.exp(-logLikelihood / tokens) : Number.NaN, logLikelihood, tokens, predicted: run.scores.map((s) => s.predicted) };
}
