// Reading whole histograms back (bucket counts, not just percentiles) for the A/B statistics and the
// dashboard's charts: per variant over a window, and per variant per time slot for latency over time; and
// every variant's since the start, for the cumulative Prometheus figures.
import { and, eq, gte, sql } from 'drizzle-orm';
import { latencyHistograms, type LatencySource } from './schema';
import { LATENCY_BUCKET_BOUNDS_MS } from './histogramBuckets';
import type { PareDb } from './client';
import { bucketSums } from './stats';

export interface VariantHistogram {
  variant: string;
  /** LATENCY_BUCKET_BOUNDS_MS.length + 1 counts; the last is the overflow bucket. */
  counts: number[];
  errors: number;
}

const emptyCounts = (): number[] => new Array<number>(LATENCY_BUCKET_BOUNDS_MS.length + 1).fill(0);

/**
 * Summed bucket counts per variant of a model since `sinceMs` (minute resolution). `assignedOnly` leaves out the
 * requests that pinned their variant: the A/B compares only traffic the weights assigned.
 */
export async function readVariantHistograms(db: PareDb, options: { model: string; sinceMs: number; source?: LatencySource; assignedOnly?: boolean }): Promise<VariantHistogram[]> {
  const conditions = [eq(latencyHistograms.model, options.model), eq(latencyHistograms.source, options.source ?? 'isolate'), gte(latencyHistograms.minute, Math.floor(options.sinceMs / 60000))];
  if (options.assignedOnly) conditions.push(eq(latencyHistograms.pinned, 0));
  const rows = await db
    .select({ variant: latencyHistograms.variant, bucket: latencyHistograms.bucket, count: sql<number>`sum(${latencyHistograms.count})`, errors: sql<number>`sum(${latencyHistograms.errors})` })
    .from(latencyHistograms)
    .where(and(...conditions))
    .groupBy(latencyHistograms.variant, latencyHistograms.bucket)
    .all();
  const byVariant = new Map<string, VariantHistogram>();
  for (const r of rows) {
    let h = byVariant.get(r.variant);
    if (!h) byVariant.set(r.variant, (h = { variant: r.variant, counts: emptyCounts(), errors: 0 }));
    if (r.bucket >= 0 && r.bucket < h.counts.length) h.counts[r.bucket] = (h.counts[r.bucket] ?? 0) + Number(r.count);
    h.errors += Number(r.errors);
  }
  return [...byVariant.values()].sort((a, b) => a.variant.localeCompare(b.variant));
}

export interface SeriesSlot {
  /** Start of the slot, ms since the epoch. */
  startMs: number;
  counts: number[];
  errors: number;
}

/**
 * Bucket counts per variant per time slot of `slotMinutes` since `sinceMs`: the latency-over-time chart
 * reads p50/p95/p99 out of each slot. Grouping happens in D1, so a 7-day window returns slots, not minutes.
 */
export async function readLatencySeries(db: PareDb, options: { model: string; sinceMs: number; slotMinutes: number; source?: LatencySource }): Promise<Map<string, SeriesSlot[]>> {
  const slot = Math.max(1, Math.floor(options.slotMinutes));
  const slotExpr = sql<number>`(${latencyHistograms.minute} / ${slot}) * ${slot}`;
  const rows = await db
    .select({ variant: latencyHistograms.variant, slot: slotExpr, bucket: latencyHistograms.bucket, count: sql<number>`sum(${latencyHistograms.count})`, errors: sql<number>`sum(${latencyHistograms.errors})` })
    .from(latencyHistograms)
    .where(and(eq(latencyHistograms.model, options.model), eq(latencyHistograms.source, options.source ?? 'isolate'), gte(latencyHistograms.minute, Math.floor(options.sinceMs / 60000))))
    .groupBy(latencyHistograms.variant, slotExpr, latencyHistograms.bucket)
    .all();
  const out = new Map<string, Map<number, SeriesSlot>>();
  for (const r of rows) {
    let slots = out.get(r.variant);
    if (!slots) out.set(r.variant, (slots = new Map()));
    const startMs = Number(r.slot) * 60000;
    let s = slots.get(startMs);
    if (!s) slots.set(startMs, (s = { startMs, counts: emptyCounts(), errors: 0 }));
    if (r.bucket >= 0 && r.bucket < s.counts.length) s.counts[r.bucket] = (s.counts[r.bucket] ?? 0) + Number(r.count);
    s.errors += Number(r.errors);
  }
  return new Map([...out].map(([variant, slots]) => [variant, [...slots.values()].sort((a, b) => a.startMs - b.startMs)]));
}

export interface CumulativeHistogram {
  model: string;
  variant: string;
  /** LATENCY_BUCKET_BOUNDS_MS.length + 1 counts; the last is the overflow bucket. */
  counts: number[];
  /** 5xx */
  errors: number;
  /** 4xx */
  clientErrors: number;
  /** Requests that addressed their variant themselves. */
  pinned: number;
}

/** Every model's and variant's bucket counts since the first stored minute: the cumulative figures GET /metrics exposes. */
export async function readCumulativeHistograms(db: PareDb, source: LatencySource): Promise<CumulativeHistogram[]> {
  const rows = await db
    .select(bucketSums)
    .from(latencyHistograms)
    .where(eq(latencyHistograms.source, source))
    .groupBy(latencyHistograms.model, latencyHistograms.variant, latencyHistograms.bucket)
    .all();
  const out = new Map<string, CumulativeHistogram>();
  for (const r of rows) {
    const key = `${r.model}\u0000${r.variant}`;
    let h = out.get(key);
    if (!h) out.set(key, (h = { model: r.model, variant: r.variant, counts: emptyCounts(), errors: 0, clientErrors: 0, pinned: 0 }));
    if (r.bucket >= 0 && r.bucket < h.counts.length) h.counts[r.bucket] = (h.counts[r.bucket] ?? 0) + Number(r.count);
    h.errors += Number(r.errors);
    h.clientErrors += Number(r.clientErrors);
    h.pinned += Number(r.pinned);
  }
  return [...out.values()].sort((a, b) => (a.model === b.model ? a.variant.localeCompare(b.variant) : a.model.localeCompare(b.model)));
}
