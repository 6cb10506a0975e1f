import type { Model } from '@pare/onnx';

/** What one tensor looked like before and after a pass. */
export interface TensorChange {
  name: string;
  /** Shape before and after (structured pruning changes it; other passes do not). */
  shapeBefore: number[];
  shapeAfter: number[];
  /** Fraction of exact zeros after the pass. */
  sparsity?: number;
  bytesBefore: number;
  bytesAfter: number;
  /** Free-form per-tensor facts (scale, zero point, units removed…). */
  detail?: Record<string, number | string | boolean>;
}

/** Every compression pass reports the same way, so the CLI and the fitter can print and compare them. */
export interface PassReport {
  pass: string;
  options: Record<string, unknown>;
  tensors: TensorChange[];
  /** Things the pass chose not to touch, with why (a pattern that is not safe, a tensor too small…). */
  skipped: Array<{ name: string; reason: string }>;
  notes: string[];
}

export interface PassResult {
  model: Model;
  report: PassReport;
}

/**
 * The shape every pass has: pure, `(model, options) → { model, report }`. Each pass file checks its export
 * against it (`pass satisfies Pass<Options>`), so a pass that drifts from the shape fails to compile.
 */
export type Pass<O> = (model: Model, options: O) => PassResult;
