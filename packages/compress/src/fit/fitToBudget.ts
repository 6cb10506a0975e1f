// Fit a model to an edge size budget: search pruning level × quantization mode, measure each candidate's
// size, evaluate the fidelity of those that fit, and keep the most faithful one.
import { encodeModel, type Model } from '@pare/onnx';
import { PareError } from '@pare/errors';
import { gzipSize } from '@pare/runtime';
import { compressModel, type CompressDeps, type CompressStep } from '../pipeline/compressModel';
import { describeOptions, type CompressOptions, type QuantizeMode } from '../pipeline/compressOptions';
import { formatBytes } from './formatBytes';

export interface FitOptions {
  /** The budget, in bytes. */
  maxBytes: number;
  /** Count gzipped bytes (what travels to the edge) rather than raw bytes. */
  gzip?: boolean;
  /** Quantization modes tried. Default none, int8-weights, int8-dynamic, and int8-static when calibration is given. */
  modes?: QuantizeMode[];
  /** Pruning levels tried, ascending. Default: magnitude sparsity 0–0.9 for gzip budgets; structured ratio
   * 0–0.5 for raw budgets (zeros from magnitude pruning are still stored, so they shrink only gzipped bytes). */
  levels?: number[];
  perChannel?: boolean;
  exclude?: string[];
}

export interface FitDeps extends CompressDeps {
  /** Fidelity of a candidate to the original, higher is better (e.g. mean output cosine in onnxruntime-node). */
  fidelity: (candidate: Uint8Array) => Promise<number>;
  onCandidate?: (candidate: FitCandidate, tried: number, total: number) => void;
}

export interface FitCandidate {
  options: CompressOptions;
  label: string;
  bytes: number;
  gzipBytes: number;
  fits: boolean;
  fidelity?: number;
  /** Why the configuration could not be built (a pass refused the model). */
  error?: string;
}

export interface FitResult {
  chosen: FitCandidate;
  model: Model;
  bytes: Uint8Array;
  steps: CompressStep[];
  candidates: FitCandidate[];
}

const GZIP_LEVELS = [0, 0.25, 0.5, 0.7, 0.8, 0.9];
const RAW_LEVELS = [0, 0.25, 0.5];

export async function fitToBudget(model: Model, options: FitOptions, deps: FitDeps): Promise<FitResult> {
  if (!(Number.isFinite(options.maxBytes) && options.maxBytes > 0)) {
    throw new PareError('option_invalid', `The byte budget must be a positive number; got ${options.maxBytes}.`);
  }
  const gzip = options.gzip ?? false;
  const modes = options.modes ?? (['none', 'int8-weights', 'int8-dynamic', ...(deps.calibrate ? ['int8-static' as const] : [])] as QuantizeMode[]);
  const levels = [...(options.levels ?? (gzip ? GZIP_LEVELS : RAW_LEVELS))].sort((a, b) => a - b);
  const pruneKey = gzip ? 'sparsity' : 'structured';
  const candidates: FitCandidate[] = [];
  const fitted = new Map<FitCandidate, { model: Model; bytes: Uint8Array; steps: CompressStep[] }>();
  // Within one mode, more pruning costs fidelity: once a mode fits at some level, higher levels are skipped.
  const satisfied = new Set<QuantizeMode>();
  const total = levels.length * modes.length;

  for (const level of levels) {
    if (satisfied.size === modes.length) break;
    const pruneOptions: CompressOptions = { ...(level > 0 ? { [pruneKey]: level } : {}), exclude: options.exclude };
    let pruned: { model: Model; steps: CompressStep[] } | string;
    try {
      pruned = await compressModel(model, pruneOptions, { onStep: deps.onStep });
    } catch (e) {
      pruned = messageOf(e);
    }
    for (const mode of modes) {
      if (satisfied.has(mode)) continue;
      const candidateOptions: CompressOptions = { ...pruneOptions, quantize: mode, perChannel: options.perChannel };
      const candidate: FitCandidate = { options: candidateOptions, label: describeOptions(candidateOptions), bytes: 0, gzipBytes: 0, fits: false };
      candidates.push(candidate);
      if (typeof pruned === 'string') {
        candidate.error = pruned;
      } else {
        try {
          const quantized = await compressModel(pruned.model, { quantize: mode, perChannel: options.perChannel, exclude: options.exclude }, deps);
          const bytes = encodeModel(quantized.model);
          candidate.bytes = bytes.byteLength;
          candidate.gzipBytes = await gzipSize(bytes);
          candidate.fits = (gzip ? candidate.gzipBytes : candidate.bytes) <= options.maxBytes;
          if (candidate.fits) {
            candidate.fidelity = await deps.fidelity(bytes);
            satisfied.add(mode);
            fitted.set(candidate, { model: quantized.model, bytes, steps: [...pruned.steps, ...quantized.steps] });
          }
        } catch (e) {
          candidate.error = messageOf(e);
        }
      }
      deps.onCandidate?.(candidate, candidates.length, total);
    }
  }

  const best = [...fitted.keys()].sort((a, b) => (b.fidelity ?? -Infinity) - (a.fidelity ?? -Infinity) || a.bytes - b.bytes)[0];
  if (!best) throw unreachable(options.maxBytes, gzip, candidates);
  const chosen = fitted.get(best)!;
  return { chosen: best, model: chosen.model, bytes: chosen.bytes, steps: chosen.steps, candidates };
}

function unreachable(maxBytes: number, gzip: boolean, candidates: FitCandidate[]): PareError {
  const built = candidates.filter((c) => !c.error);
  const size = (c: FitCandidate) => (gzip ? c.gzipBytes : c.bytes);
  const smallest = built.sort((a, b) => size(a) - size(b))[0];
  const what = gzip ? 'gzipped' : 'raw';
  const message = smallest
    ? `No configuration fits in ${formatBytes(maxBytes)} (${what}): the smallest reached was ${formatBytes(size(smallest))} (${smallest.label}). Raise the budget${gzip ? '' : ', count gzipped bytes instead'} or allow more pruning.`
    : `No configuration could be built: ${candidates[0]?.error ?? 'no candidates'}.`;
  return new PareError('budget_unreachable', message, { status: 422, details: { maxBytes, gzip, smallestBytes: smallest ? size(smallest) : undefined, candidates } });
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
