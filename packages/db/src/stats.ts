// Reading per-variant figures back from the histograms for a time window.
import { and, eq, gte, sql } from 'drizzle-orm';
import { latencyHistograms, type LatencySource } from './schema';
import { percentileFromBuckets } from './histogramBuckets';
import type { PareDb } from './client';

export interface VariantStats {
  model: string;
  variant: string;
  source: LatencySource;
  count: number;
  /** 5xx: the variant's failures. */
  errors: number;
  /** 4xx: the callers' mistakes, apart from the errors. */
  clientErrors: number;
  /** Requests that addressed the variant themselves (part of count, not of the A/B figures). */
  pinned: number;
  errorRate: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/** Per model, variant and bucket: the summed counts, 5xx, 4xx and pinned requests of the rows selected. */
export const bucketSums = {
  model: latencyHistograms.model,
  variant: latencyHistograms.variant,
  bucket: latencyHistograms.bucket,
  count: sql<number>`sum(${latencyHistograms.count})`,
  errors: sql<number>`sum(${latencyHistograms.errors})`,
  clientErrors: sql<number>`sum(${latencyHistograms.clientErrors})`,
  pinned: sql<number>`sum(case when ${latencyHistograms.pinned} = 1 then ${latencyHistograms.count} else 0 end)`,
};

/**
 * Per-variant count, error rate and p50/p95/p99 since `sinceMs` (minute resolution); all models when model is
 * undefined. Requests no variant served are the UNSERVED_VARIANT row (schema.ts).
 */
export async function readVariantStats(db: PareDb, options: { model?: string; sinceMs: number; source?: LatencySource }): Promise<VariantStats[]> {
  const source = options.source ?? 'isolate';
  const conditions = [gte(latencyHistograms.minute, Math.floor(options.sinceMs / 60000)), eq(latencyHistograms.source, source)];
  if (options.model !== undefined) conditions.push(eq(latencyHistograms.model, options.model));
  const rows = await db
    .select(bucketSums)
    .from(latencyHistograms)
    .where(and(...conditions))
    .groupBy(latencyHistograms.model, latencyHistograms.variant, latencyHistograms.bucket)
    .all();
  const byVariant = new Map<string, { model: string; variant: string; buckets: Map<number, number>; count: number; errors: number; clientErrors: number; pinned: number }>();
  for (const r of rows) {
    const key = `${r.model}\u0000${r.variant}`;
    let entry = byVariant.get(key);
    if (!entry) byVariant.set(key, (entry = { model: r.model, variant: r.variant, buckets: new Map(), count: 0, errors: 0, clientErrors: 0, pinned: 0 }));
    entry.buckets.set(r.bucket, Number(r.count));
    entry.count += Number(r.count);
    entry.errors += Number(r.errors);
    entry.clientErrors += Number(r.clientErrors);
    entry.pinned += Number(r.pinned);
  }
  return [...byVariant.values()]
    .sort((a, b) => (a.model === b.model ? a.variant.localeCompare(b.variant) : a.model.localeCompare(b.model)))
    .map((e) => ({
      model: e.model,
      variant: e.variant,
      source,
      count: e.count,
      errors: e.errors,
      clientErrors: e.clientErrors,
      pinned: e.pinned,
      errorRate: e.count === 0 ? 0 : e.errors / e.count,
      p50Ms: percentileFromBuckets(e.buckets, 0.5),
      p95Ms: percentileFromBuckets(e.buckets, 0.95),
      p99Ms: percentileFromBuckets(e.buckets, 0.99),
    }));
}
