// Reading generations' figures back: per variant over a window, time to first token from the 'ttft' histograms and
// the means (with their second moments, for the A/B intervals) of tokens per request and decode tokens/s from the
// events; and every variant's generated tokens since the start, for the cumulative Prometheus counter.
import { and, eq, gte, isNotNull, ne, sql } from 'drizzle-orm';
import { inferenceEvents, latencyHistograms, UNSERVED_VARIANT } from './schema';
import { readVariantStats } from './stats';
import type { PareDb } from './client';

/** n, Σx and Σx² of one figure: enough for a mean and a sample variance. */
export interface Moments {
  n: number;
  sum: number;
  sumOfSquares: number;
}

export interface GenerationMoments {
  variant: string;
  /** Generations (successful requests that made tokens or tried to) and the tokens each made. */
  tokens: Moments;
  /** Decode tokens/s of the generations that made at least two tokens. */
  tokensPerSecond: Moments;
}

/** Per variant since `sinceMs`; `assignedOnly` leaves out pinned requests (the A/B compares assigned traffic only). */
export async function readGenerationMoments(db: PareDb, options: { model: string; sinceMs: number; assignedOnly?: boolean }): Promise<GenerationMoments[]> {
  const conditions = [eq(inferenceEvents.model, options.model), gte(inferenceEvents.ts, options.sinceMs), isNotNull(inferenceEvents.generatedTokens), ne(inferenceEvents.variant, UNSERVED_VARIANT)];
  if (options.assignedOnly) conditions.push(eq(inferenceEvents.pinned, 0));
  const tps = inferenceEvents.tokensPerSecond;
  const rows = await db
    .select({
      variant: inferenceEvents.variant,
      n: sql<number>`count(*)`,
      tokens: sql<number>`sum(${inferenceEvents.generatedTokens})`,
      tokenSquares: sql<number>`sum(${inferenceEvents.generatedTokens} * ${inferenceEvents.generatedTokens})`,
      rated: sql<number>`count(${tps})`,
      tps: sql<number>`coalesce(sum(${tps}), 0)`,
      tpsSquares: sql<number>`coalesce(sum(${tps} * ${tps}), 0)`,
    })
    .from(inferenceEvents)
    .where(and(...conditions))
    .groupBy(inferenceEvents.variant)
    .all();
  return rows
    .map((r) => ({
      variant: r.variant,
      tokens: { n: Number(r.n), sum: Number(r.tokens), sumOfSquares: Number(r.tokenSquares) },
      tokensPerSecond: { n: Number(r.rated), sum: Number(r.tps), sumOfSquares: Number(r.tpsSquares) },
    }))
    .sort((a, b) => a.variant.localeCompare(b.variant));
}

export interface GenerationStats {
  variant: string;
  generations: number;
  /** Time to first token, ms, read from the 'ttft' histograms. */
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
  tokensPerSecondMean: number | null;
  tokensPerRequestMean: number | null;
}

const mean = (m: Moments | undefined): number | null => (m && m.n > 0 ? m.sum / m.n : null);

/** The stats API's generation figures per variant since `sinceMs` (every request, pinned ones too, as its other figures). */
export async function readGenerationStats(db: PareDb, options: { model: string; sinceMs: number }): Promise<GenerationStats[]> {
  const [ttft, moments] = await Promise.all([readVariantStats(db, { ...options, source: 'ttft' }), readGenerationMoments(db, options)]);
  const variants = [...new Set([...ttft.map((t) => t.variant), ...moments.map((m) => m.variant)])].filter((v) => v !== UNSERVED_VARIANT).sort();
  return variants.map((variant) => {
    const t = ttft.find((x) => x.variant === variant);
    const m = moments.find((x) => x.variant === variant);
    return {
      variant,
      generations: m?.tokens.n ?? 0,
      ttftP50Ms: t?.p50Ms ?? null,
      ttftP95Ms: t?.p95Ms ?? null,
      tokensPerSecondMean: mean(m?.tokensPerSecond),
      tokensPerRequestMean: mean(m?.tokens),
    };
  });
}

export interface GeneratedTokens {
  model: string;
  variant: string;
  tokens: number;
}

/** Every model's and variant's generated tokens since the first stored minute (summed from the 'ttft' rows). */
export async function readCumulativeGeneratedTokens(db: PareDb): Promise<GeneratedTokens[]> {
  const rows = await db
    .select({ model: latencyHistograms.model, variant: latencyHistograms.variant, tokens: sql<number>`sum(${latencyHistograms.tokens})` })
    .from(latencyHistograms)
    .where(eq(latencyHistograms.source, 'ttft'))
    .groupBy(latencyHistograms.model, latencyHistograms.variant)
    .all();
  return rows
    .map((r) => ({ model: r.model, variant: r.variant, tokens: Number(r.tokens) }))
    .sort((a, b) => (a.model === b.model ? a.variant.localeCompare(b.variant) : a.model.localeCompare(b.model)));
}
