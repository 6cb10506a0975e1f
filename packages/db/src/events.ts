// Writing inference events and folding them into the per-minute histograms, in one D1 batch
// (a transaction): a redelivered event is ignored by its unique id, so nothing is counted twice.
import { sql } from 'drizzle-orm';
import { inferenceEvents, latencyHistograms } from './schema';
import { bucketOf, bucketSqlCase } from './histogramBuckets';
import type { PareDb } from './client';

export interface InferenceEvent {
  eventId: string;
  ts: number;
  model: string;
  variant: string;
  status: number;
  errorCode: string | null;
  latencyMs: number;
  inputBytes: number;
  unitBucket: number;
  /** The caller chose the variant (OIP `/versions/:variant`): served and counted, but not A/B traffic. */
  pinned: boolean;
  /** A generation's figures (GenerationFigures); absent or null for every other request. */
  generation?: GenerationFigures | null;
}

export interface GenerationFigures {
  /** From the call to the first token picked; null when none was (the prompt filled the model's positions). */
  firstTokenMs: number | null;
  /** New tokens made. */
  tokens: number;
  /** Decode speed (tokens after the first, per second after it); null below two tokens. */
  tokensPerSecond: number | null;
}

/** D1 allows 100 bound parameters per statement; an event row binds 15. */
const ROWS_PER_INSERT = Math.floor(100 / 15);

/** Insert events (duplicates ignored) and fold every not-yet-folded event into the 'isolate' (and 'ttft') histograms. */
export async function recordInferenceEvents(db: PareDb, events: readonly InferenceEvent[]): Promise<void> {
  if (events.length === 0) return;
  const inserts = [];
  for (let i = 0; i < events.length; i += ROWS_PER_INSERT) {
    // Only the event's own fields: a message with extra keys (an `id`, `folded`) must not reach other columns.
    const chunk = events.slice(i, i + ROWS_PER_INSERT).map((e) => ({
      eventId: e.eventId, ts: e.ts, model: e.model, variant: e.variant, status: e.status, errorCode: e.errorCode,
      latencyMs: e.latencyMs, inputBytes: e.inputBytes, unitBucket: e.unitBucket, pinned: e.pinned ? 1 : 0, folded: 0,
      firstTokenMs: e.generation?.firstTokenMs ?? null, generatedTokens: e.generation?.tokens ?? null, tokensPerSecond: e.generation?.tokensPerSecond ?? null,
    }));
    inserts.push(db.insert(inferenceEvents).values(chunk).onConflictDoNothing());
  }
  // A variant's errors are its 5xx: a client's bad request (4xx) is counted apart (client_errors) and never toward
  // the variant's error rate or the A/B verdict. Pinned requests fold into rows of their own, which the A/B skips.
  const fold = db.run(
    sql.raw(`INSERT INTO latency_histograms (minute, model, variant, source, pinned, bucket, count, errors, client_errors)
      SELECT ts / 60000, model, variant, 'isolate', pinned, ${bucketSqlCase('latency_ms')}, COUNT(*),
        SUM(CASE WHEN status >= 500 THEN 1 ELSE 0 END), SUM(CASE WHEN status >= 400 AND status < 500 THEN 1 ELSE 0 END)
      FROM inference_events WHERE folded = 0 GROUP BY 1, 2, 3, 4, 5, 6
      ON CONFLICT (minute, model, variant, source, pinned, bucket) DO UPDATE SET
        count = count + excluded.count, errors = errors + excluded.errors, client_errors = client_errors + excluded.client_errors`),
  );
  // A generation's time to first token folds into 'ttft' rows of its own, with the tokens it made beside the counts.
  const foldFirstToken = db.run(
    sql.raw(`INSERT INTO latency_histograms (minute, model, variant, source, pinned, bucket, count, errors, client_errors, tokens)
      SELECT ts / 60000, model, variant, 'ttft', pinned, ${bucketSqlCase('first_token_ms')}, COUNT(*), 0, 0, SUM(generated_tokens)
      FROM inference_events WHERE folded = 0 AND first_token_ms IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6
      ON CONFLICT (minute, model, variant, source, pinned, bucket) DO UPDATE SET count = count + excluded.count, tokens = tokens + excluded.tokens`),
  );
  const markFolded = db.run(sql`UPDATE inference_events SET folded = 1 WHERE folded = 0`);
  await db.batch([inserts[0]!, ...inserts.slice(1), fold, foldFirstToken, markFolded]);
}

export interface TailLatency {
  ts: number;
  model: string;
  variant: string;
  ok: boolean;
  /** A 4xx: counted apart from the failures (a caller's mistake, not the variant's). */
  clientError: boolean;
  pinned: boolean;
  cpuMs: number;
  wallMs: number;
}

/** Fold CPU and wall times reported by the Tail Worker handler into the 'tail_cpu' / 'tail_wall' histograms. */
export async function recordTailLatencies(db: PareDb, items: readonly TailLatency[]): Promise<void> {
  if (items.length === 0) return;
  const statements = items.flatMap((item) =>
    (['tail_cpu', 'tail_wall'] as const).map((source) =>
      db
        .insert(latencyHistograms)
        .values({
          minute: Math.floor(item.ts / 60000), model: item.model, variant: item.variant, source, pinned: item.pinned ? 1 : 0,
          bucket: bucketOf(source === 'tail_cpu' ? item.cpuMs : item.wallMs), count: 1, errors: item.ok || item.clientError ? 0 : 1, clientErrors: item.clientError ? 1 : 0,
        })
        .onConflictDoUpdate({
          target: [latencyHistograms.minute, latencyHistograms.model, latencyHistograms.variant, latencyHistograms.source, latencyHistograms.pinned, latencyHistograms.bucket],
          set: { count: sql`${latencyHistograms.count} + 1`, errors: sql`${latencyHistograms.errors} + excluded.errors`, clientErrors: sql`${latencyHistograms.clientErrors} + excluded.client_errors` },
        }),
    ),
  );
  await db.batch([statements[0]!, ...statements.slice(1)]);
}
