// Sensitivity-aware mixed precision: measure what each quantized weight tensor costs in output fidelity (by
// restoring it to fp32 and evaluating), then keep in fp32 the ones that buy back most fidelity per byte, as
// long as the budget left over by the best plain form allows. Evaluations are capped: tensors are measured in
// contiguous groups first when there are more than the cap allows, then one by one inside the worst groups.
import type { CompressStep } from '../pipeline/compressModel';
import { fidelityScore, type FitFidelity } from './fitRanking';
import type { FitCandidate } from './fitToBudget';

export interface KeptTensor {
  name: string;
  /** Bytes its fp32 copy costs over its quantized one. */
  extraBytes: number;
  /** Score (fitRanking.ts) gained by restoring this tensor alone. */
  gain: number;
  reason: string;
}

export interface MixedPrecisionReport {
  /** The plain form it started from. */
  base: string;
  /** Bytes the budget left after the base. */
  room: number;
  /** Tensors measured and the score each restored alone (or each group) bought back. */
  measured: Array<{ tensors: string[]; extraBytes: number; gain: number }>;
  evaluations: number;
  /** The mixed candidate chosen over the base, if one was better on every measure. */
  chosen?: FitCandidate;
  /** Why no mixed candidate was chosen. */
  note?: string;
  /** With a second set of inputs (FitDeps.confirmFidelity): the plain form's and the mixed candidate's fidelity there. */
  confirmation?: { base: FitFidelity; chosen: FitFidelity };
  /** The mixed candidate the second set of inputs did not confirm. */
  rejected?: FitCandidate;
}

export interface MixedPrecisionInput {
  base: FitCandidate;
  baseSteps: CompressStep[];
  room: number;
  maxEvaluations: number;
  /** Build and evaluate the base form with these tensors left in fp32. */
  trial: (keep: string[]) => Promise<FitCandidate>;
  /** Whether a trial is admissible and better than the best so far. */
  accept: (candidate: FitCandidate) => boolean;
}

interface Weight { name: string; extraBytes: number }

const GROUPS = 6;

export async function mixedPrecision(input: MixedPrecisionInput): Promise<MixedPrecisionReport> {
  const report: MixedPrecisionReport = { base: input.base.label, room: input.room, measured: [], evaluations: 0 };
  const weights = quantizedWeights(input.baseSteps).filter((w) => w.extraBytes <= input.room);
  if (weights.length === 0) {
    report.note = input.room <= 0 ? 'no budget left after the best plain form' : `no quantized tensor's fp32 copy fits in the ${input.room} bytes left`;
    return report;
  }
  const baseScore = fidelityScore(input.base.fidelity!);
  const trials = new Map<string, FitCandidate>();
  const measure = async (group: Weight[]): Promise<number> => {
    report.evaluations++;
    const c = await input.trial(group.map((w) => w.name));
    c.label = `${input.base.label} + fp32 ${group.length === 1 ? group[0]!.name : `${group.length} tensors`} (sensitivity)`;
    trials.set(group.map((w) => w.name).join('\u0000'), c);
    const gain = c.fidelity ? fidelityScore(c.fidelity) - baseScore : -Infinity;
    report.measured.push({ tensors: group.map((w) => w.name), extraBytes: sum(group), gain });
    return gain;
  };

  // Leave two evaluations for the combined candidate and its fallback.
  const budget = Math.max(1, input.maxEvaluations - 2);
  const singles: Array<Weight & { gain: number }> = [];
  if (weights.length <= budget) {
    for (const w of weights) singles.push({ ...w, gain: await measure([w]) });
  } else {
    const groups = split(weights, Math.min(GROUPS, budget));
    const gains: Array<{ group: Weight[]; gain: number }> = [];
    for (const group of groups) gains.push({ group, gain: await measure(group) });
    for (const { group } of gains.sort((a, b) => b.gain - a.gain)) {
      for (const w of group) {
        if (report.evaluations >= budget) break;
        singles.push({ ...w, gain: await measure([w]) });
      }
    }
  }

  // Greedy by fidelity bought per byte, within the room left.
  const picked: Array<Weight & { gain: number }> = [];
  let spent = 0;
  for (const w of singles.filter((s) => s.gain > 0).sort((a, b) => b.gain / b.extraBytes - a.gain / a.extraBytes)) {
    if (spent + w.extraBytes > input.room) continue;
    picked.push(w);
    spent += w.extraBytes;
  }
  if (picked.length === 0) {
    report.note = 'restoring no single measured tensor to fp32 raised fidelity';
    return report;
  }
  const kept = (list: typeof picked): KeptTensor[] => list.map((w) => ({
    name: w.name, extraBytes: w.extraBytes, gain: w.gain,
    reason: `restoring it alone raised the fidelity score by ${w.gain.toExponential(2)} for ${w.extraBytes} bytes`,
  }));
  let combined = picked.length === 1 ? trials.get(picked[0]!.name) : undefined;
  if (!combined) {
    report.evaluations++;
    combined = await input.trial(picked.map((w) => w.name));
    combined.label = `${input.base.label} + fp32 ${picked.length} tensors`;
  }
  combined.keptFp32 = kept(picked);
  if (input.accept(combined)) return choose(report, combined, input.base.label);
  // Together they may not fit (gzip) or interact; the single most useful one often still helps.
  const top = picked[0]!;
  const alone = trials.get(top.name);
  if (alone && picked.length > 1) {
    alone.keptFp32 = kept([top]);
    if (input.accept(alone)) return choose(report, alone, input.base.label);
  }
  report.note = 'no mixed candidate was at least as faithful as the base on mean, minimum and top-1 while fitting';
  return report;
}

/** The chosen candidate is labelled by what it keeps, not as the measurement it may have been. */
function choose(report: MixedPrecisionReport, chosen: FitCandidate, base: string): MixedPrecisionReport {
  const kept = chosen.keptFp32 ?? [];
  chosen.label = `${base} + fp32 ${kept.length === 1 ? kept[0]!.name : `${kept.length} tensors`}`;
  report.chosen = chosen;
  return report;
}

/** Weight tensors the quantization step changed, in the order it reported them, with their fp32 premium. */
function quantizedWeights(steps: CompressStep[]): Weight[] {
  const quantize = steps.find((s) => s.step.startsWith('quantize-'))?.report;
  if (!quantize) return [];
  const seen = new Set<string>();
  const out: Weight[] = [];
  for (const t of quantize.tensors) {
    const extra = t.bytesBefore - t.bytesAfter;
    if (extra <= 0 || seen.has(t.name)) continue;
    seen.add(t.name);
    out.push({ name: t.name, extraBytes: extra });
  }
  return out;
}

function split<T>(items: T[], parts: number): T[][] {
  const size = Math.ceil(items.length / parts);
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

function sum(ws: Weight[]): number {
  return ws.reduce((n, w) => n + w.extraBytes, 0);
}
