// How likely a language model finds a text: the sum of log p(token | tokens before) over every token after the
// first (the first has nothing to be predicted from), and the perplexity exp(-that / tokens), what transformers
// computes with labels = input_ids. Each text runs once through the decoder, with an empty cache where the
// model has one. The most probable next token at every position comes along for top-1 agreement (`pare eval`).
import type { InferenceSession } from '../../backend/inferenceBackend';
import type { Manifest } from '../../manifest';
import type { TextTokenizer } from '../../text/textTokenizer';
import { DecoderSteps } from './decoderSteps';
import { logProbOf } from './logProbs';
import { argmaxOf } from './tokenSampler';

export interface SequenceScore {
  /** Natural log. */
  logLikelihood: number;
  /** Tokens scored (the text's tokens, special ones included, less the first). */
  tokens: number;
  /** null when no token was scored (a text of one token or none). */
  perplexity: number | null;
  truncated: boolean;
}

export interface ScoredText extends SequenceScore {
  ids: number[];
  /** The model's most probable token after each of `ids` but the last. */
  predicted: number[];
}

export interface ScoreRun {
  scores: ScoredText[];
  tokenizeMs: number;
  inferMs: number;
}

export async function scoreTexts(manifest: Manifest, tokenizer: TextTokenizer, session: InferenceSession, texts: readonly string[]): Promise<ScoreRun> {
  const run: ScoreRun = { scores: [], tokenizeMs: 0, inferMs: 0 };
  for (const text of texts) {
    const t0 = performance.now();
    const encoded = tokenizer.encode([text]);
    const ids: number[] = [];
    for (let i = 0; i < encoded.dims[1]; i++) if (encoded.attentionMask[i] === 1n) ids.push(Number(encoded.ids[i]));
    const t1 = performance.now();
    run.tokenizeMs += t1 - t0;
    const truncated = encoded.truncated[0] ?? false;
    if (ids.length < 2) {
      run.scores.push({ logLikelihood: 0, tokens: 0, perplexity: null, truncated, ids, predicted: [] });
      continue;
    }
    const rows = await new DecoderSteps(manifest, session).feed(ids);
    run.inferMs += performance.now() - t1;
    let ll = 0;
    const predicted: number[] = [];
    for (let t = 1; t < ids.length; t++) {
      const row = rows.row(t - 1);
      ll += logProbOf(row, ids[t]!);
      predicted.push(argmaxOf(row));
    }
    const tokens = ids.length - 1;
    run.scores.push({ logLikelihood: ll, tokens, perplexity: Math.exp(-ll / tokens), truncated, ids, predicted });
  }
  return run;
}
