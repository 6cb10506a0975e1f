// A language model's fitting target: held-out perplexity may rise by at most a given fraction over the original's,
// and within that the smallest candidate wins. Output cosine of logits says little about a decoder LM (a small
// error spread over 2,000 logits can swap the top tokens or not); its perplexity on text is what users judge.
import { PareError } from '@pare/errors';
import { formatBytes } from './formatBytes';

export interface CandidatePerplexity {
  perplexity: number;
  /** Candidate perplexity / the original's. */
  ratio: number;
}

export interface PerplexityTargetReport {
  /** The allowed increase, as a fraction (0.05 = 5%). */
  maxIncrease: number;
  /** The original model's perplexity on the same texts. */
  reference: number;
}

interface Judged {
  label: string;
  bytes: number;
  gzipBytes: number;
  fits: boolean;
  error?: string;
  perplexity?: CandidatePerplexity;
}

/** A fraction > 0 (0.05 for 5%); a perplexity ratio is ≥ 0, so any positive increase is a target. */
export function checkPerplexityIncrease(maxIncrease: number): void {
  if (!(Number.isFinite(maxIncrease) && maxIncrease > 0)) {
    throw new PareError('option_invalid', `The perplexity increase must be a positive fraction (0.05 for 5%); got ${maxIncrease}.`);
  }
}

export function withinPerplexity(c: Judged, maxIncrease: number): boolean {
  // A hair of slack: a lossless candidate measured in another session can differ in the last float bits.
  return c.perplexity !== undefined && Number.isFinite(c.perplexity.ratio) && c.perplexity.ratio <= 1 + maxIncrease + 1e-9;
}

/** Sort comparator for a perplexity target: smaller first, then the lower perplexity. */
export function bySize(gzip: boolean) {
  return (a: Judged, b: Judged): number => (gzip ? a.gzipBytes - b.gzipBytes : a.bytes - b.bytes) || (a.perplexity?.ratio ?? Infinity) - (b.perplexity?.ratio ?? Infinity);
}

export function perplexityUnreachable(target: PerplexityTargetReport, candidates: Judged[], details: Record<string, unknown>): PareError {
  const judged = candidates.filter((c) => c.fits && c.perplexity && Number.isFinite(c.perplexity.ratio)).sort((a, b) => a.perplexity!.ratio - b.perplexity!.ratio);
  const pct = `${(target.maxIncrease * 100).toPrecision(3).replace(/\.?0+$/, '')}%`;
  const budget = details.maxBytes !== undefined && Number.isFinite(details.maxBytes as number) ? ` within ${formatBytes(details.maxBytes as number)}` : '';
  if (judged.length === 0) {
    const first = candidates.find((c) => c.error);
    return new PareError('budget_unreachable', `No configuration${budget} could be judged by perplexity${first ? `: ${first.error}` : ''}.`, { status: 422, details: { ...details, perplexity: target } });
  }
  const best = judged[0]!;
  return new PareError('budget_unreachable',
    `No configuration${budget} keeps perplexity within +${pct} of the original's ${target.reference.toFixed(3)}: the closest is ${best.label} at ×${best.perplexity!.ratio.toFixed(4)} (${formatBytes(best.bytes)}). Raise the allowed increase${budget ? ' or the budget' : ''}.`,
    { status: 422, details: { ...details, perplexity: target } });
}
