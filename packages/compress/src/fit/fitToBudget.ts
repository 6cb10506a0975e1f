// Fit a model to an edge budget of bytes, of latency or both: search pruning level × quantization form
// (fitCandidates.ts), measure each candidate's size and (when deps.latency is given) its run time, evaluate the
// fidelity of those that fit, keep the most faithful (fitRanking.ts), then let mixed precision
// (mixedPrecision.ts) spend what byte budget is left on the tensors that cost most fidelity. With a perplexity
// target (decoder LMs, perplexityTarget.ts) the smallest candidate within it wins instead.
import { encodeModel, opCounts, type Model } from '@pare/onnx';
import { PareError } from '@pare/errors';
import { gzipSize } from '@pare/runtime';
import { compressModel, type CompressDeps, type CompressStep } from '../pipeline/compressModel';
import { biasCorrectionTargets, type ChannelMeans } from '../quantize/biasCorrection';
import { describeOptions, type CompressOptions, type QuantizeMode } from '../pipeline/compressOptions';
import { fitForms, formOptions, type FitForm } from './fitCandidates';
import { byFidelity, dominates, fidelityScore, meetsFloor, type FitFidelity } from './fitRanking';
import { formatBytes } from './formatBytes';
import { mixedPrecision, type KeptTensor, type MixedPrecisionReport } from './mixedPrecision';
import { bySize, checkPerplexityIncrease, perplexityUnreachable, withinPerplexity, type CandidatePerplexity, type PerplexityTargetReport } from './perplexityTarget';

export interface FitOptions {
  /** The budget, in bytes; Infinity when only latency is budgeted. */
  maxBytes: number;
  /** The latency budget, in milliseconds per run as deps.latency measures it (needs deps.latency). */
  maxLatencyMs?: number;
  /** Count gzipped bytes (what travels to the edge) rather than raw bytes. */
  gzip?: boolean;
  /** Quantization modes tried; default every form of fitCandidates.ts. */
  modes?: QuantizeMode[];
  /** Pruning levels tried, ascending. Default: magnitude sparsity 0–0.9 for gzip budgets; structured ratio
   * 0–0.5 for raw budgets (zeros from magnitude pruning are still stored, so they shrink only gzipped bytes). */
  levels?: number[];
  /** Fix per-channel (true) or per-tensor (false) scales; default both are tried. */
  perChannel?: boolean;
  exclude?: string[];
  /** int8-weights candidates remove each layer's expected output shift (deps.channelMeans); default true. */
  biasCorrection?: boolean;
  /** Where deps.calibrate's inputs come from: int8-static is a default candidate only with 'real' ones. */
  calibration?: 'real' | 'generated';
  /** Candidates whose mean output cosine is below this are refused. */
  minFidelity?: number;
  /** Spend the budget left after the best plain form on fp32 copies of sensitive tensors (default true). */
  mixedPrecision?: boolean;
  /** Most fidelity evaluations mixed precision may spend (default 16). */
  maxEvaluations?: number;
  /** Decoder LMs: the smallest candidate whose perplexity (deps.perplexity) rises by at most this fraction wins. */
  maxPerplexityIncrease?: number;
}

export interface FitDeps extends CompressDeps {
  /** Fidelity of a candidate to the original (e.g. output cosine mean and min in onnxruntime-node). */
  fidelity: (candidate: Uint8Array) => Promise<FitFidelity>;
  /**
   * Fidelity on a second, independent set of inputs. Given when the first set is generated: a mixed candidate
   * chosen there is kept only if it also beats the plain form here (on generated inputs a detector's cosine moves
   * by ±0.04 when any one tensor is restored, so a greedy pick can be noise; bench/fitNotes.md).
   */
  confirmFidelity?: (candidate: Uint8Array) => Promise<FitFidelity>;
  /** Milliseconds per run of a candidate (e.g. onnxruntime-web wasm, one thread, as served): every candidate is timed. */
  latency?: (candidate: Uint8Array) => Promise<number>;
  /** Perplexity of a model on held-out texts (needed by maxPerplexityIncrease; the original is measured too). */
  perplexity?: (model: Uint8Array) => Promise<number>;
  onCandidate?: (candidate: FitCandidate, tried: number, total: number) => void;
}

export interface FitCandidate {
  options: CompressOptions;
  label: string;
  bytes: number;
  gzipBytes: number;
  /** Milliseconds per run (deps.latency). */
  latencyMs?: number;
  fits: boolean;
  fidelity?: FitFidelity;
  /** Why the configuration could not be built (a pass refused the model) or evaluated. */
  error?: string;
  /** Mixed precision: the tensors left in fp32 and what each bought back. */
  keptFp32?: KeptTensor[];
  /** With a perplexity target: this candidate's perplexity and its ratio to the original's. */
  perplexity?: CandidatePerplexity;
}

export interface FitResult {
  chosen: FitCandidate;
  model: Model;
  bytes: Uint8Array;
  steps: CompressStep[];
  /** Every candidate tried, plain forms and mixed precision, in the order tried. */
  candidates: FitCandidate[];
  mixedPrecision?: MixedPrecisionReport;
  perplexity?: PerplexityTargetReport;
}

interface Built { model: Model; bytes: Uint8Array; steps: CompressStep[]; pruned: { model: Model; steps: CompressStep[] } }

const GZIP_LEVELS = [0, 0.25, 0.5, 0.7, 0.8, 0.9];
const RAW_LEVELS = [0, 0.25, 0.5];

export async function fitToBudget(model: Model, options: FitOptions, deps: FitDeps): Promise<FitResult> {
  if (!(options.maxBytes > 0) || Number.isNaN(options.maxBytes)) {
    throw new PareError('option_invalid', `The byte budget must be a positive number; got ${options.maxBytes}.`);
  }
  const maxLatencyMs = options.maxLatencyMs;
  if (maxLatencyMs !== undefined && !(Number.isFinite(maxLatencyMs) && maxLatencyMs > 0)) {
    throw new PareError('option_invalid', `The latency budget must be a positive number of milliseconds; got ${maxLatencyMs}.`);
  }
  if (maxLatencyMs !== undefined && !deps.latency) throw new PareError('option_invalid', 'A latency budget needs a way to measure latency (deps.latency).');
  const maxIncrease = options.maxPerplexityIncrease;
  if (maxIncrease !== undefined) {
    checkPerplexityIncrease(maxIncrease);
    if (!deps.perplexity) throw new PareError('option_invalid', 'A perplexity target needs a way to measure perplexity (deps.perplexity).');
  }
  if (maxLatencyMs === undefined && maxIncrease === undefined && !Number.isFinite(options.maxBytes)) throw new PareError('option_invalid', 'Give a byte budget, a latency budget or both (or a perplexity target).');
  const gzip = options.gzip ?? false;
  const forms = fitForms({ calibration: deps.calibrate ? (options.calibration ?? 'generated') : 'none', modes: options.modes, perChannel: options.perChannel });
  if (forms.length === 0) throw new PareError('option_invalid', 'No quantization form is left to try (int8-static needs calibration inputs).');
  const levels = [...(options.levels ?? (gzip ? GZIP_LEVELS : RAW_LEVELS))].sort((a, b) => a - b);
  const pruneKey = gzip ? 'sparsity' : 'structured';
  const candidates: FitCandidate[] = [];
  const built = new Map<FitCandidate, Built>();
  // Within one form, more pruning costs fidelity: once a form fits at some level, higher levels are skipped.
  const satisfied = new Set<FitForm>();
  const total = levels.length * forms.length;
  const size = (c: FitCandidate) => (gzip ? c.gzipBytes : c.bytes);
  const target: PerplexityTargetReport | undefined = maxIncrease === undefined ? undefined : { maxIncrease, reference: await deps.perplexity!(encodeModel(model)) };
  if (target && !(target.reference > 0 && Number.isFinite(target.reference))) {
    throw new PareError('eval_inputs_failed', `The original model's perplexity on the texts is ${target.reference}: no text has two tokens or more to score.`);
  }

  // Every form at one pruning level quantizes the same model: its input means are measured once, for every form's nodes.
  const meansByLevel = new Map<Built['pruned'], Promise<ChannelMeans>>();
  const withMeansOnce = (pruned: Built['pruned'], d: CompressDeps): CompressDeps => {
    const measure = deps.channelMeans;
    if (!measure) return d;
    return { ...d, channelMeans: (m) => { if (!meansByLevel.has(pruned)) meansByLevel.set(pruned, measure(m, biasCorrectionTargets(m.graph!))); return meansByLevel.get(pruned)!; } };
  };

  /** Build, size and (when it fits) evaluate one configuration on an already-pruned model. */
  const tryCandidate = async (pruned: Built['pruned'], candidateOptions: CompressOptions, buildDeps: CompressDeps): Promise<FitCandidate> => {
    const candidate: FitCandidate = { options: candidateOptions, label: describeOptions(candidateOptions), bytes: 0, gzipBytes: 0, fits: false };
    try {
      const { quantize, perChannel, blockSize, asymmetric, exclude, biasCorrection } = candidateOptions;
      const quantized = await compressModel(pruned.model, { quantize, perChannel, blockSize, asymmetric, exclude, biasCorrection }, withMeansOnce(pruned, buildDeps));
      // Without a MatMul/Gemm to pack, int4-weights is int8 weights under another name: not a candidate of its own.
      if (quantize === 'int4-weights' && !opCounts(quantized.model)['com.microsoft.MatMulNBits']) {
        throw new PareError('option_invalid', 'int4-weights found no MatMul/Gemm weights to pack in 4 bits.');
      }
      const bytes = encodeModel(quantized.model);
      candidate.bytes = bytes.byteLength;
      candidate.gzipBytes = await gzipSize(bytes);
      // Every candidate is timed, fitting or not, so the report compares them all.
      if (deps.latency) candidate.latencyMs = await deps.latency(bytes);
      candidate.fits = size(candidate) <= options.maxBytes && (maxLatencyMs === undefined || candidate.latencyMs! <= maxLatencyMs);
      if (candidate.fits) {
        built.set(candidate, { model: quantized.model, bytes, steps: [...pruned.steps, ...quantized.steps], pruned });
        candidate.fidelity = await deps.fidelity(bytes);
        if (target) {
          const perplexity = await deps.perplexity!(bytes);
          candidate.perplexity = { perplexity, ratio: perplexity / target.reference };
        }
      }
    } catch (e) {
      candidate.error = messageOf(e);
    }
    candidates.push(candidate);
    return candidate;
  };

  for (const level of levels) {
    if (satisfied.size === forms.length) break;
    const pruneOptions: CompressOptions = { ...(level > 0 ? { [pruneKey]: level } : {}), exclude: options.exclude, ...(options.biasCorrection === false ? { biasCorrection: false } : {}) };
    let pruned: Built['pruned'] | string;
    try {
      pruned = await compressModel(model, pruneOptions, { onStep: deps.onStep });
    } catch (e) {
      pruned = messageOf(e);
    }
    for (const form of forms) {
      if (satisfied.has(form)) continue;
      const candidateOptions: CompressOptions = { ...pruneOptions, ...formOptions(form) };
      let candidate: FitCandidate;
      if (typeof pruned === 'string') {
        candidate = { options: candidateOptions, label: describeOptions(candidateOptions), bytes: 0, gzipBytes: 0, fits: false, error: pruned };
        candidates.push(candidate);
      } else {
        candidate = await tryCandidate(pruned, candidateOptions, deps);
        // With a perplexity target a form goes on to more pruning while it stays within (smaller may still be);
        // once it leaves the target, more pruning only raises perplexity further.
        if (candidate.fits && (!target || !withinPerplexity(candidate, target.maxIncrease))) satisfied.add(form);
      }
      deps.onCandidate?.(candidate, candidates.length, total);
    }
  }

  const eligible = (c: FitCandidate) => built.has(c) && c.fidelity !== undefined && !c.error && meetsFloor(c.fidelity, options.minFidelity);
  if (target) {
    const within = candidates.filter((c) => eligible(c) && withinPerplexity(c, target.maxIncrease)).sort(bySize(gzip));
    const chosen = within[0];
    if (!chosen) throw perplexityUnreachable(target, candidates, { maxBytes: options.maxBytes, gzip, minFidelity: options.minFidelity, maxLatencyMs, candidates });
    const result = built.get(chosen)!;
    // No mixed precision: it spends bytes on fidelity, and the target asks for the smallest model within it.
    return { chosen, model: result.model, bytes: result.bytes, steps: result.steps, candidates, perplexity: target };
  }
  const plain = candidates.filter(eligible).sort(byFidelity);
  const best = plain[0];
  if (!best) throw unreachable(options, gzip, candidates);

  let chosen = best;
  let report: MixedPrecisionReport | undefined;
  if ((options.mixedPrecision ?? true) && best.options.quantize !== 'none') {
    const base = built.get(best)!;
    // Every trial quantizes the same pruned model: its activation ranges are measured once.
    let ranges: ReturnType<NonNullable<CompressDeps['calibrate']>> | undefined;
    const calibrateOnce: CompressDeps['calibrate'] = deps.calibrate && ((m) => (ranges ??= deps.calibrate!(m)));
    report = await mixedPrecision({
      base: best,
      baseSteps: base.steps,
      // Without a byte budget there is no room to spend: keeping tensors in fp32 only costs latency.
      room: Number.isFinite(options.maxBytes) ? options.maxBytes - size(best) : 0,
      maxEvaluations: options.maxEvaluations ?? 16,
      trial: async (keep) => {
        const exclude = [...(options.exclude ?? []), ...keep];
        const c = await tryCandidate(base.pruned, { ...best.options, exclude }, { calibrate: calibrateOnce });
        deps.onCandidate?.(c, candidates.length, candidates.length);
        return c;
      },
      accept: (c) => eligible(c) && dominates(c.fidelity!, chosen.fidelity!),
    });
    if (report.chosen && deps.confirmFidelity) {
      const [plainAgain, mixedAgain] = [await deps.confirmFidelity(base.bytes), await deps.confirmFidelity(built.get(report.chosen)!.bytes)];
      report.confirmation = { base: plainAgain, chosen: mixedAgain };
      if (!dominates(mixedAgain, plainAgain)) {
        report.note = `${report.chosen.label} beat ${best.label} on the inputs but not on a second set of generated inputs (score ${fidelityScore(mixedAgain).toFixed(6)} vs ${fidelityScore(plainAgain).toFixed(6)}): kept the plain form`;
        report.rejected = report.chosen;
        delete report.chosen;
      }
    }
    if (report.chosen) chosen = report.chosen;
  }
  const result = built.get(chosen)!;
  return { chosen, model: result.model, bytes: result.bytes, steps: result.steps, candidates, ...(report ? { mixedPrecision: report } : {}) };
}

function unreachable(options: FitOptions, gzip: boolean, candidates: FitCandidate[]): PareError {
  const size = (c: FitCandidate) => (gzip ? c.gzipBytes : c.bytes);
  const what = gzip ? 'gzipped' : 'raw';
  const fitting = candidates.filter((c) => c.fits);
  const details = { maxBytes: options.maxBytes, gzip, minFidelity: options.minFidelity, maxLatencyMs: options.maxLatencyMs, candidates };
  // Within the byte budget but too slow: the latency budget is what failed.
  const timed = candidates.filter((c) => c.latencyMs !== undefined && !c.error && size(c) <= options.maxBytes).sort((a, b) => a.latencyMs! - b.latencyMs!);
  if (fitting.length === 0 && options.maxLatencyMs !== undefined && timed.length > 0) {
    const fastest = timed[0]!;
    const within = Number.isFinite(options.maxBytes) ? ` within ${formatBytes(options.maxBytes)} (${what})` : '';
    return new PareError('budget_unreachable', `No configuration${within} runs in ${options.maxLatencyMs} ms: the fastest measured ${fastest.latencyMs!.toFixed(2)} ms (${fastest.label}). Raise the latency budget or allow more pruning.`, { status: 422, details: { ...details, fastestMs: fastest.latencyMs } });
  }
  // Something fits but could not be judged: an evaluation problem, not a budget one.
  if (fitting.length > 0 && fitting.every((c) => c.fidelity === undefined)) {
    return new PareError('eval_inputs_failed', `${fitting.length} configuration(s) fit in ${formatBytes(options.maxBytes)} (${what}), but none could be evaluated: ${fitting[0]!.error ?? 'no fidelity measured'}.`, { details });
  }
  if (fitting.length > 0 && options.minFidelity !== undefined) {
    const top = fitting.filter((c) => c.fidelity).sort(byFidelity)[0]!;
    const within = Number.isFinite(options.maxBytes) ? `within ${formatBytes(options.maxBytes)} (${what})` : `within ${options.maxLatencyMs} ms`;
    return new PareError('budget_unreachable', `No configuration ${within} reaches a mean output cosine of ${options.minFidelity}: the most faithful that fits is ${top.label} at ${top.fidelity!.cosineMean.toFixed(6)}. Raise the budget or lower the floor.`, { status: 422, details });
  }
  const smallest = candidates.filter((c) => !c.error).sort((a, b) => size(a) - size(b))[0];
  const message = smallest
    ? `No configuration fits in ${formatBytes(options.maxBytes)} (${what}): the smallest reached was ${formatBytes(size(smallest))} (${smallest.label}). Raise the budget${gzip ? '' : ', count gzipped bytes instead'} or allow more pruning.`
    : `No configuration could be built: ${candidates[0]?.error ?? 'no candidates'}.`;
  return new PareError('budget_unreachable', message, { status: 422, details: { ...details, smallestBytes: smallest ? size(smallest) : undefined } });
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
