// What `pare compress` and the budget fitter ask of the pipeline, checked once here (the public edge of
// the pipeline) with messages that name the option and its valid values.
import { PareError } from '@pare/errors';
import { checkBlockSize, DEFAULT_INT4_BLOCK_SIZE } from '../quantize/quantizeWeightsInt4';

export const QUANTIZE_MODES = ['none', 'int8-dynamic', 'int8-static', 'int8-weights', 'int4-weights', 'fp16'] as const;
export type QuantizeMode = (typeof QUANTIZE_MODES)[number];

export interface CompressOptions {
  /** Default 'none'. */
  quantize?: QuantizeMode;
  /** One scale per output channel (weights). */
  perChannel?: boolean;
  /** int4-weights: the MatMulNBits block length along K (power of two, 16–256; default 32). */
  blockSize?: number;
  /**
   * Zero points: int4-weights one per block (default symmetric, none); int8-weights one per channel for every
   * tensor (default: chosen per tensor by measure).
   */
  asymmetric?: boolean;
  /** int4-weights: embedding tables in 4 bits (default; GatherBlockQuantized) or 8 (int8 rows, per-row scales). */
  embeddingBits?: 4 | 8;
  /** Magnitude pruning: zero every weight with |w| < t. Exclusive with `sparsity`. */
  pruneThreshold?: number;
  /** Magnitude pruning: zero this fraction (0..1) of eligible weights. */
  sparsity?: number;
  /** Structured pruning: remove this fraction (0..1) of hidden units / channels. */
  structured?: number;
  /**
   * int8-weights and int8-dynamic: remove each layer's expected output shift from its bias, from input means
   * measured on the samples (deps.channelMeans). Default true where the caller can measure them; other modes ignore it.
   */
  biasCorrection?: boolean;
  /** Node or tensor names left alone by every pass (`*` wildcards). */
  exclude?: string[];
}

export function checkCompressOptions(options: CompressOptions): void {
  if (options.quantize !== undefined && !QUANTIZE_MODES.includes(options.quantize)) {
    throw new PareError('option_invalid', `Unknown quantization mode "${options.quantize}"; use one of ${QUANTIZE_MODES.join(', ')}.`);
  }
  if (options.blockSize !== undefined) {
    if (options.quantize !== 'int4-weights') throw new PareError('option_invalid', `A block size applies to int4-weights only; the mode is ${options.quantize ?? 'none'}.`);
    checkBlockSize(options.blockSize);
  }
  if (options.asymmetric !== undefined && options.quantize !== 'int4-weights' && options.quantize !== 'int8-weights') {
    throw new PareError('option_invalid', `asymmetric applies to int4-weights and int8-weights; the mode is ${options.quantize ?? 'none'}.`);
  }
  if (options.embeddingBits !== undefined) {
    if (options.quantize !== 'int4-weights') throw new PareError('option_invalid', `Embedding bits apply to int4-weights only; the mode is ${options.quantize ?? 'none'}.`);
    if (options.embeddingBits !== 4 && options.embeddingBits !== 8) throw new PareError('option_invalid', `Embedding bits must be 4 or 8; got ${String(options.embeddingBits)}.`);
  }
  fraction('sparsity', options.sparsity, true);
  fraction('structured', options.structured, false);
  if (options.pruneThreshold !== undefined && !(Number.isFinite(options.pruneThreshold) && options.pruneThreshold >= 0)) {
    throw new PareError('option_invalid', `prune threshold must be a number ≥ 0; got ${options.pruneThreshold}.`);
  }
  if (options.pruneThreshold !== undefined && options.sparsity !== undefined) {
    throw new PareError('option_invalid', 'Give a prune threshold or a sparsity, not both.');
  }
}

function fraction(name: string, value: number | undefined, closed: boolean): void {
  if (value === undefined) return;
  const ok = Number.isFinite(value) && value >= 0 && (closed ? value <= 1 : value < 1);
  if (!ok) throw new PareError('option_invalid', `${name} must be a fraction in [0, 1${closed ? ']' : ')'}; got ${value}.`);
}

/** A short label of a configuration, as reports and the fitter print it: "p50 + int8-dynamic". */
export function describeOptions(options: CompressOptions): string {
  const parts: string[] = [];
  if (options.structured) parts.push(`structured ${Math.round(options.structured * 100)}%`);
  if (options.sparsity) parts.push(`sparsity ${Math.round(options.sparsity * 100)}%`);
  if (options.pruneThreshold !== undefined) parts.push(`|w| < ${options.pruneThreshold}`);
  if (options.quantize && options.quantize !== 'none') {
    const extra = [
      options.perChannel ? ' per-channel' : '',
      options.quantize === 'int4-weights' ? ` block ${options.blockSize ?? DEFAULT_INT4_BLOCK_SIZE}` : '',
      options.asymmetric ? ' asymmetric' : '',
      options.quantize === 'int4-weights' && options.embeddingBits === 8 ? ' int8 tables' : '',
    ];
    parts.push(options.quantize + extra.join(''));
  }
  return parts.length ? parts.join(' + ') : 'fp32 (no change)';
}
