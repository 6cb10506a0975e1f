// Reads of the raw inference events for the A/B's per-unit analysis and its sample-ratio check: traffic per
// variant per unit bucket, and assigned requests per variant. Pinned requests and the unserved marker are left
// out: the A/B judges only traffic the weights assigned.
import { and, eq, gte, ne, sql } from 'drizzle-orm';
import { inferenceEvents, UNSERVED_VARIANT } from './schema';
import type { PareDb } from './client';

export interface UnitBucketTraffic {
  variant: string;
  unitBucket: number;
  requests: number;
  /** 5xx, as in the histograms. */
  errors: number;
  latencyMsSum: number;
}

const assigned = (model: string, sinceMs: number) =>
  and(eq(inferenceEvents.model, model), gte(inferenceEvents.ts, sinceMs), eq(inferenceEvents.pinned, 0), ne(inferenceEvents.variant, UNSERVED_VARIANT));

export async function readUnitBucketTraffic(db: PareDb, options: { model: string; sinceMs: number }): Promise<UnitBucketTraffic[]> {
  const rows = await db
    .select({
      variant: inferenceEvents.variant,
      unitBucket: inferenceEvents.unitBucket,
      requests: sql<number>`count(*)`,
      errors: sql<number>`sum(case when ${inferenceEvents.status} >= 500 then 1 else 0 end)`,
      latencyMsSum: sql<number>`sum(${inferenceEvents.latencyMs})`,
    })
    .from(inferenceEvents)
    .where(assigned(options.model, options.sinceMs))
    .groupBy(inferenceEvents.variant, inferenceEvents.unitBucket)
    .all();
  return rows.map((r) => ({ variant: r.variant, unitBucket: Number(r.unitBucket), requests: Number(r.requests), errors: Number(r.errors), latencyMsSum: Number(r.latencyMsSum) }));
}

/** Assigned requests per variant since `sinceMs` (the sample-ratio check reads them from when the weights last changed). */
export async function readAssignedCounts(db: PareDb, options: { model: string; sinceMs: number }): Promise<Record<string, number>> {
  const rows = await db
    .select({ variant: inferenceEvents.variant, requests: sql<number>`count(*)` })
    .from(inferenceEvents)
    .where(assigned(options.model, options.sinceMs))
    .groupBy(inferenceEvents.variant)
    .all();
  return Object.fromEntries(rows.map((r) => [r.variant, Number(r.requests)]));
}
