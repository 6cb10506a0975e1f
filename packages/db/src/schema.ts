// The registry and metrics schema: the single source of truth; drizzle-kit generates the D1 migrations
// under infra/migrations from this file (`npm run db:generate -w @pare/db`).
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const models = sqliteTable('models', {
  name: text('name').primaryKey(),
  task: text('task').notNull().default('tensor'),
  createdAt: integer('created_at').notNull(),
});

export type VariantStatus = 'healthy' | 'unhealthy';

export const variants = sqliteTable(
  'variants',
  {
    model: text('model').notNull().references(() => models.name),
    name: text('name').notNull(),
    sha256: text('sha256').notNull(),
    bytes: integer('bytes').notNull(),
    /** The manifest as validated JSON text (packages/runtime manifest schema). */
    manifest: text('manifest').notNull(),
    r2Key: text('r2_key').notNull(),
    status: text('status').$type<VariantStatus>().notNull().default('healthy'),
    statusReason: text('status_reason'),
    statusChangedAt: integer('status_changed_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.model, t.name] })],
);

/**
 * Traffic weights of a model, versioned: every change appends a version; a rollback marks the current
 * version rolled back, which makes the previous live version current again.
 */
export const deployments = sqliteTable(
  'deployments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    model: text('model').notNull().references(() => models.name),
    version: integer('version').notNull(),
    /** JSON object variant → weight (integers summing to 100). */
    weights: text('weights').notNull(),
    reason: text('reason').notNull(),
    /**
     * The model's experiment salt, mixed into the assignment hash (packages/experiments stableHash.ts): a new salt
     * reshuffles which units get which variant. '' is the unsalted hash every split had before salts existed.
     */
    salt: text('salt').notNull().default(''),
    rolledBack: integer('rolled_back', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('deployments_model_version').on(t.model, t.version)],
);

/** One row per inference (success or error); `folded` turns 1 once the row is counted in the histograms. */
export const inferenceEvents = sqliteTable(
  'inference_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Producer-made id: the queue delivers at least once, this makes a redelivery a no-op. */
    eventId: text('event_id').notNull(),
    ts: integer('ts').notNull(),
    model: text('model').notNull(),
    variant: text('variant').notNull(),
    status: integer('status').notNull(),
    errorCode: text('error_code'),
    latencyMs: real('latency_ms').notNull(),
    inputBytes: integer('input_bytes').notNull(),
    unitBucket: integer('unit_bucket').notNull(),
    /** 1 when the caller addressed the variant itself (OIP `/versions/:variant`): kept out of the A/B figures. */
    pinned: integer('pinned').notNull().default(0),
    /** Generations only (null for every other task): from the call to the first token picked. */
    firstTokenMs: real('first_token_ms'),
    /** Generations only: new tokens made (completion tokens). */
    generatedTokens: integer('generated_tokens'),
    /** Generations only: decode speed, tokens after the first per second after it; null below two tokens. */
    tokensPerSecond: real('tokens_per_second'),
    folded: integer('folded').notNull().default(0),
  },
  (t) => [
    uniqueIndex('inference_events_event_id').on(t.eventId),
    index('inference_events_unfolded').on(t.folded).where(sql`folded = 0`),
    index('inference_events_model_ts').on(t.model, t.ts),
  ],
);

/**
 * Which latency a histogram row counts: in-isolate wall time, CPU / wall time reported by the Tail Worker handler, or
 * a generation's time to first token ('ttft').
 */
export type LatencySource = 'isolate' | 'tail_cpu' | 'tail_wall' | 'ttft';

/**
 * The variant name under which requests that no variant served are recorded (503 `no_healthy_variant`): a model-level
 * outage. No variant can have this name (packages/runtime/src/variantName.ts starts names with a letter or digit).
 */
export const UNSERVED_VARIANT = '-';

/**
 * Per-minute, per-variant latency histograms with fixed bucket bounds (histogramBuckets.ts). `errors` counts 5xx,
 * `client_errors` 4xx; requests that pinned their variant are kept in rows of their own (`pinned` = 1).
 */
export const latencyHistograms = sqliteTable(
  'latency_histograms',
  {
    minute: integer('minute').notNull(),
    model: text('model').notNull(),
    variant: text('variant').notNull(),
    source: text('source').$type<LatencySource>().notNull(),
    pinned: integer('pinned').notNull().default(0),
    bucket: integer('bucket').notNull(),
    count: integer('count').notNull(),
    errors: integer('errors').notNull(),
    clientErrors: integer('client_errors').notNull().default(0),
    /** 'ttft' rows: the tokens the counted generations made (the cumulative pare_generated_tokens_total); 0 elsewhere. */
    tokens: integer('tokens').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.minute, t.model, t.variant, t.source, t.pinned, t.bucket] }), index('latency_histograms_model_minute').on(t.model, t.minute)],
);
