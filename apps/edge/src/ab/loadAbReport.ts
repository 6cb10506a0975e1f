// Everything the A/B comparison needs, read from D1 for a window, and the comparison itself. Shared by
// `GET /v1/models/:model/ab`, the dashboard and (through the JSON route) `pare ab`.
import { PareError } from '@pare/errors';
import { createDb, currentDeployment, LATENCY_BUCKET_BOUNDS_MS, readAssignedCounts, readGenerationMoments, readLabelledCounts, readUnitBucketTraffic, readVariantHistograms, readVariantStats, type Moments, type PareDb } from '@pare/db';
import { compareGeneration, compareVariants, sampleRatioMismatch, summaryOfMoments, type AbReport, type GenerationComparison } from '@pare/experiments';
import type { Env } from '../env';
import { getModelState } from '../registry/modelState';
import { STATS_WINDOWS, type StatsWindow } from '../metrics/statsWindow';

export interface AbQuery {
  model: string;
  a?: string;
  b?: string;
  window: StatsWindow;
  /** Smallest accuracy loss worth detecting, points. */
  minEffectPt?: number;
  /** Smallest latency change worth detecting, percent. */
  minLatencyPct?: number;
  /** Guardrail margin for the error rate, points (the accuracy margin is minEffectPt). */
  maxErrorRisePt?: number;
  now?: number;
}

/** Requests that pinned their variant are left out: the comparison is of traffic the weights assigned. */
export interface AbResponse {
  model: string;
  window: StatsWindow;
  sinceMs: number;
  /** Which latency is compared: in-isolate wall time (see GET /v1/models/:model/stats). */
  latencySource: 'isolate';
  /** How the pair was chosen. */
  pair: { a: string; b: string; chosen: 'given' | 'top-traffic' };
  /** Since when the sample-ratio check counts: the window's start or the last change of the weights, whichever is later. */
  sampleRatioSinceMs: number;
  /**
   * Tail Worker CPU time per variant (p50/p95 ms over the window); null for a variant the Tail Worker attributed
   * nothing to (not wired, or it no longer says which variant an invocation served): unavailable, not zero.
   */
  cpu: Record<string, { count: number; p50Ms: number | null; p95Ms: number | null } | null>;
  report: AbReport;
  /** A text-generation model's time to first token, decode tokens/s and tokens per request compared; null for other tasks. */
  generation: GenerationComparison | null;
}

/** Fixed seed: the bootstrap interval stays the same across refreshes of the same data. */
const BOOTSTRAP_SEED = 5;

export async function loadAbReport(env: Env, q: AbQuery): Promise<AbResponse> {
  const state = await getModelState(env, q.model);
  const names = [...state.variants.keys()];
  for (const v of [q.a, q.b]) {
    if (v !== undefined && !state.variants.has(v)) {
      throw new PareError('variant_not_found', `Model "${q.model}" has no variant "${v}"; its variants are ${names.join(', ') || '(none)'}.`, { status: 404 });
    }
  }
  if ((q.a === undefined) !== (q.b === undefined)) throw new PareError('input_invalid', 'Give both a and b, or neither (the two variants with most traffic are compared).', { status: 400 });
  if (q.a !== undefined && q.a === q.b) throw new PareError('input_invalid', 'a and b must be two different variants.', { status: 400 });
  if (names.length < 2) throw new PareError('input_invalid', `Model "${q.model}" has ${names.length} variant(s); an A/B comparison needs two.`, { status: 400 });

  const db = createDb(env.DB);
  const sinceMs = (q.now ?? Date.now()) - STATS_WINDOWS[q.window];
  const deployment = await currentDeployment(db, q.model);
  // Weights changed inside the window: the split is checked against the current ones from that moment on.
  const sampleRatioSinceMs = Math.max(sinceMs, deployment?.createdAt ?? sinceMs);
  const [histograms, labelled, units, srmUnits, assignedCounts, cpuStats] = await Promise.all([
    readVariantHistograms(db, { model: q.model, sinceMs, assignedOnly: true }),
    readLabelledCounts(db, { model: q.model, sinceMs }),
    readUnitBucketTraffic(db, { model: q.model, sinceMs }),
    sampleRatioSinceMs === sinceMs ? undefined : readUnitBucketTraffic(db, { model: q.model, sinceMs: sampleRatioSinceMs }),
    readAssignedCounts(db, { model: q.model, sinceMs: sampleRatioSinceMs }),
    readVariantStats(db, { model: q.model, sinceMs, source: 'tail_cpu' }),
  ]);
  // The split is checked unit bucket by unit bucket: requests of one unit are not independent draws.
  const srmClusters = new Map<number, Record<string, number>>();
  for (const u of srmUnits ?? units) {
    const row = srmClusters.get(u.unitBucket) ?? {};
    row[u.variant] = (row[u.variant] ?? 0) + u.requests;
    srmClusters.set(u.unitBucket, row);
  }
  const requests = (v: string): number => histograms.find((h) => h.variant === v)?.counts.reduce((s, c) => s + c, 0) ?? 0;

  let a: string;
  let b: string;
  let chosen: AbResponse['pair']['chosen'] = 'given';
  if (q.a !== undefined && q.b !== undefined) [a, b] = [q.a, q.b];
  else {
    chosen = 'top-traffic';
    // Most requests first, then most weight, then name: stable when nothing has traffic yet.
    const top = [...names].sort((x, y) => requests(y) - requests(x) || (state.weights[y] ?? 0) - (state.weights[x] ?? 0) || x.localeCompare(y)).slice(0, 2);
    // The larger variant is the baseline (a), the smaller the candidate (b): "int8 is 38% faster than fp32".
    [a, b] = state.variants.get(top[0]!)!.bytes >= state.variants.get(top[1]!)!.bytes ? [top[0]!, top[1]!] : [top[1]!, top[0]!];
  }

  const sample = (v: string) => {
    const h = histograms.find((x) => x.variant === v);
    const l = labelled.find((x) => x.variant === v);
    return {
      name: v,
      histogram: { bounds: LATENCY_BUCKET_BOUNDS_MS, counts: h?.counts ?? new Array<number>(LATENCY_BUCKET_BOUNDS_MS.length + 1).fill(0) },
      errors: h?.errors ?? 0,
      labelled: { correct: l?.correct ?? 0, total: l?.total ?? 0 },
      units: units.filter((u) => u.variant === v),
    };
  };
  const report = compareVariants(sample(a), sample(b), {
    seed: BOOTSTRAP_SEED,
    minimumEffect: { accuracyPt: q.minEffectPt, latencyPct: q.minLatencyPct },
    guardrails: { errorRatePt: q.maxErrorRisePt },
    sampleRatio: sampleRatioMismatch(assignedCounts, state.weights, { clusters: [...srmClusters.values()] }),
  });
  const cpu = Object.fromEntries([a, b].map((v) => {
    const s = cpuStats.find((x) => x.variant === v);
    return [v, s && s.count > 0 ? { count: s.count, p50Ms: s.p50Ms, p95Ms: s.p95Ms } : null];
  }));
  const generation = state.task === 'text-generation' ? await loadGenerationComparison(db, q.model, sinceMs, a, b) : null;
  return { model: q.model, window: q.window, sinceMs, latencySource: 'isolate', pair: { a, b, chosen }, sampleRatioSinceMs, cpu, report, generation };
}

/** Assigned generations only, as the rest of the comparison. */
async function loadGenerationComparison(db: PareDb, model: string, sinceMs: number, a: string, b: string): Promise<GenerationComparison> {
  const [ttft, moments] = await Promise.all([readVariantHistograms(db, { model, sinceMs, source: 'ttft', assignedOnly: true }), readGenerationMoments(db, { model, sinceMs, assignedOnly: true })]);
  const summary = (m: Moments | undefined) => summaryOfMoments(m?.n ?? 0, m?.sum ?? 0, m?.sumOfSquares ?? 0);
  const sample = (v: string) => {
    const m = moments.find((x) => x.variant === v);
    return {
      name: v,
      ttft: { bounds: LATENCY_BUCKET_BOUNDS_MS, counts: ttft.find((h) => h.variant === v)?.counts ?? new Array<number>(LATENCY_BUCKET_BOUNDS_MS.length + 1).fill(0) },
      tokensPerSecond: summary(m?.tokensPerSecond),
      tokensPerRequest: summary(m?.tokens),
    };
  };
  return compareGeneration(sample(a), sample(b));
}

/** Parse an optional positive number query parameter, naming it in the error. */
export function positiveParam(name: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!(n > 0 && n <= max)) throw new PareError('input_invalid', `"${name}" must be a number above 0 and at most ${max}, got "${value}".`, { status: 400, details: { field: name } });
  return n;
}
