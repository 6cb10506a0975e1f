// What `pare compress` reports: sizes raw and gzipped, ratios, sparsity, fidelity per runtime and time per
// step. The same object is printed as a table or, with --json, as JSON.
import { summarizeModel, type Model } from '@pare/onnx';
import type { CompressStep, FidelityReport, FitCandidate, MixedPrecisionReport, PerplexityTargetReport } from '@pare/compress';

export interface SizeReport { bytes: number; gzipBytes: number }

export interface CompressReport {
  input: string;
  output: string;
  configuration: string;
  /** What fidelity (and the fitter, and calibration) was measured on: real inputs from a file, or generated ones. */
  inputs?: { kind: 'real' | 'generated'; source: string };
  /** Where int8-static's activation ranges came from (an inputs file, or generated inputs). */
  calibration?: string;
  before: SizeReport;
  after: SizeReport;
  /** after / before, raw and gzipped. */
  ratio: { raw: number; gzip: number };
  /** Fraction of zeros among weights (rank ≥ 2) once pruning is done. */
  sparsity: number;
  steps: Array<{ step: string; ms: number; tensors?: number; skipped?: number; notes?: string[] }>;
  fidelity?: FidelityReport & { inputs: string; inputsKind: 'real' | 'generated' };
  fit?: {
    /** The budgets asked for: bytes, milliseconds per run in wasm, or both. */
    maxBytes?: number; maxLatencyMs?: number; gzip: boolean; minFidelity?: number;
    /** Whether the fitter ranked candidates on real or generated inputs. */
    inputs: 'real' | 'generated';
    candidates: FitCandidate[];
    mixedPrecision?: MixedPrecisionReport;
    /** --max-perplexity-increase: the target, the original's perplexity and the texts it was measured on. */
    perplexity?: PerplexityTargetReport & { texts: { source: string; count: number; representative: boolean } };
  };
  totalMs: number;
}

/** Sparsity after pruning: from the prune passes' reports (quantized weights no longer hold exact zeros),
 * or, without pruning, counted on the model itself. */
export function sparsityOf(input: Model, steps: CompressStep[]): number {
  const prune = steps.filter((s) => s.step.startsWith('prune-') && s.report);
  const last = prune[prune.length - 1]?.report;
  if (!last || last.tensors.every((t) => t.sparsity === undefined)) return summarizeModel(input).sparsity.fraction;
  const reported = new Map(last.tensors.map((t) => [t.name, t]));
  // Weights the last prune pass touched carry their sparsity; the rest keep the input's zeros (none, usually).
  let zeros = 0, elements = 0;
  for (const t of reported.values()) {
    const n = t.shapeAfter.reduce((a, b) => a * b, 1);
    elements += n;
    zeros += (t.sparsity ?? 0) * n;
  }
  const summary = summarizeModel(input).sparsity;
  const untouched = Math.max(0, summary.elements - elements);
  return elements + untouched === 0 ? 0 : zeros / (elements + untouched);
}

export function stepSummary(steps: CompressStep[]): CompressReport['steps'] {
  return steps.map((s) => ({
    step: s.step,
    ms: Math.round(s.ms * 10) / 10,
    ...(s.report ? { tensors: s.report.tensors.length, skipped: s.report.skipped.length, notes: s.report.notes } : {}),
  }));
}
