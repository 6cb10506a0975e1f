// What the dashboard shows for a window, per model, as one JSON document: the variants table figures (and, for a
// text-generation model, its generation table),
// latency over time, the histograms, and the size–accuracy–latency points with the Pareto front. The
// page's script draws the charts from it; the variants table arrives rendered (tableHtml) so there is one
// renderer for it, on the server.
import { createDb, currentDeployment, LATENCY_BUCKET_BOUNDS_MS, listModels, listVariants, readGenerationStats, readLabelledCounts, readLatencySeries, readVariantHistograms, readVariantStats, UNSERVED_VARIANT, type VariantRow } from '@pare/db';
import { histogramQuantile } from '@pare/experiments';
import type { Env } from '../env';
import { STATS_WINDOWS, type StatsWindow } from '../metrics/statsWindow';
import { FAILING_ERROR_RATE, paretoFront, type ParetoAxis } from './pareto';
import { slotStarts } from './slotStarts';
import type { VariantFigures } from './variantFigures';
import { variantsTable } from './variantsTable';
import { generationTable } from './generationTable';
import { SLOT_MINUTES } from './windowSlots';

export interface ModelDashboard {
  name: string;
  task: string;
  deploymentVersion: number;
  variants: VariantFigures[];
  requests: number;
  /** Requests no variant could serve (503 no_healthy_variant): a model-level outage. */
  unservedRequests: number;
  tableHtml: string;
  /** The axes the Pareto front was drawn over (those every non-failing variant has). */
  paretoAxes: ParetoAxis[];
  /** Per variant: every slot of the window and p50/p95/p99 per slot (null where a slot had no requests: a gap). */
  series: Record<string, { t: number[]; p50: (number | null)[]; p95: (number | null)[]; p99: (number | null)[]; requests: number[] }>;
  /** Per variant: bucket counts over the window (bounds are the document's). */
  histograms: Record<string, number[]>;
}

export interface DashboardData {
  window: StatsWindow;
  generatedAt: number;
  sinceMs: number;
  slotMinutes: number;
  bounds: readonly number[];
  latencySource: 'isolate';
  models: ModelDashboard[];
}

function manifestFigures(row: VariantRow): Pick<VariantFigures, 'gzipBytes' | 'parameters' | 'accuracy' | 'fidelity'> {
  // The manifest was validated when the variant was uploaded; read it leniently here, a missing figure shows as "—".
  try {
    const m = JSON.parse(row.manifest) as { gzipBytes?: number; parameters?: number; metrics?: { accuracy?: number; fidelity?: number } };
    const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    return { gzipBytes: num(m.gzipBytes), parameters: num(m.parameters), accuracy: num(m.metrics?.accuracy), fidelity: num(m.metrics?.fidelity) };
  } catch {
    return { gzipBytes: null, parameters: null, accuracy: null, fidelity: null };
  }
}

function failingReason(status: string, statusReason: string | null, requests: number, errors: number): string | null {
  if (status !== 'healthy') return `unhealthy${statusReason ? `: ${statusReason}` : ''}`;
  if (requests > 0 && errors / requests > FAILING_ERROR_RATE) return `most requests fail (${Math.round((100 * errors) / requests)}% 5xx)`;
  return null;
}

/** `csrf` goes into the promote and roll-back forms of the table (csrf.ts). */
export async function loadDashboardData(env: Env, window: StatsWindow, now = Date.now(), csrf = ''): Promise<DashboardData> {
  const db = createDb(env.DB);
  const sinceMs = now - STATS_WINDOWS[window];
  const slotMinutes = SLOT_MINUTES[window];
  const [models, allVariants] = await Promise.all([listModels(db), listVariants(db)]);
  const out: ModelDashboard[] = await Promise.all(
    models.map(async (m) => {
      const generative = m.task === 'text-generation';
      const [deployment, stats, histograms, series, labelled, cpu, generation] = await Promise.all([
        currentDeployment(db, m.name),
        readVariantStats(db, { model: m.name, sinceMs }),
        readVariantHistograms(db, { model: m.name, sinceMs }),
        readLatencySeries(db, { model: m.name, sinceMs, slotMinutes }),
        readLabelledCounts(db, { model: m.name, sinceMs }),
        readVariantStats(db, { model: m.name, sinceMs, source: 'tail_cpu' }),
        generative ? readGenerationStats(db, { model: m.name, sinceMs }) : [],
      ]);
      const rows = allVariants.filter((v) => v.model === m.name);
      const figures: VariantFigures[] = rows.map((row) => {
        const s = stats.find((x) => x.variant === row.name);
        const l = labelled.find((x) => x.variant === row.name);
        const c = cpu.find((x) => x.variant === row.name);
        return {
          name: row.name,
          bytes: row.bytes,
          ...manifestFigures(row),
          weight: deployment?.weights[row.name] ?? 0,
          status: row.status,
          statusReason: row.statusReason,
          requests: s?.count ?? 0,
          errors: s?.errors ?? 0,
          clientErrors: s?.clientErrors ?? 0,
          pinned: s?.pinned ?? 0,
          errorRate: s && s.count > 0 ? s.errorRate : null,
          p50Ms: s?.p50Ms ?? null,
          p95Ms: s?.p95Ms ?? null,
          p99Ms: s?.p99Ms ?? null,
          labelled: { correct: l?.correct ?? 0, total: l?.total ?? 0 },
          cpuP50Ms: c && c.count > 0 ? c.p50Ms : null,
          generation: generative ? (generation.find((g) => g.variant === row.name) ?? { variant: row.name, generations: 0, ttftP50Ms: null, ttftP95Ms: null, tokensPerSecondMean: null, tokensPerRequestMean: null }) : null,
          dominatedBy: null,
          failing: failingReason(row.status, row.statusReason, s?.count ?? 0, s?.errors ?? 0),
        };
      });
      const pareto = paretoFront(figures.map((f) => ({ variant: f.name, bytes: f.bytes, accuracy: f.accuracy, latencyMs: f.p50Ms, errorRate: f.errorRate, failing: f.failing })));
      for (const f of figures) f.dominatedBy = pareto.dominated.get(f.name) ?? null;
      const starts = slotStarts(sinceMs, now, slotMinutes);

      const seriesOut: ModelDashboard['series'] = {};
      for (const [variant, slots] of series) {
        const q = (counts: number[] | undefined, p: number): number | null => (counts?.some((c) => c > 0) ? histogramQuantile({ bounds: LATENCY_BUCKET_BOUNDS_MS, counts }, p) : null);
        // Every slot of the window, empty ones included: a minute without traffic is a gap, not a line across it.
        const bySlot = new Map(slots.map((s) => [s.startMs, s.counts]));
        seriesOut[variant] = {
          t: starts,
          p50: starts.map((t) => q(bySlot.get(t), 0.5)),
          p95: starts.map((t) => q(bySlot.get(t), 0.95)),
          p99: starts.map((t) => q(bySlot.get(t), 0.99)),
          requests: starts.map((t) => bySlot.get(t)?.reduce((a, b) => a + b, 0) ?? 0),
        };
      }
      return {
        name: m.name,
        task: m.task,
        deploymentVersion: deployment?.version ?? 0,
        variants: figures,
        requests: figures.reduce((a, f) => a + f.requests, 0),
        unservedRequests: stats.find((x) => x.variant === UNSERVED_VARIANT)?.count ?? 0,
        tableHtml: variantsTable(m.name, figures, { csrf, paretoAxes: pareto.axes }) + (generative ? generationTable(figures) : ''),
        paretoAxes: pareto.axes,
        series: seriesOut,
        histograms: Object.fromEntries(histograms.map((h) => [h.variant, h.counts])),
      };
    }),
  );
  return { window, generatedAt: now, sinceMs, slotMinutes, bounds: LATENCY_BUCKET_BOUNDS_MS, latencySource: 'isolate', models: out };
}
