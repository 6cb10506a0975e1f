// Ground truth from `POST /v1/feedback`: the true label of a served prediction, with the variant and the
// predicted label taken from the request id the edge returned (apps/edge/src/feedback/requestReceipt.ts).
// A separate schema file so the A/B feature's table stays apart from the registry and metrics tables.
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const feedback = sqliteTable(
  'feedback',
  {
    /** The request id's nonce (unique per served request). */
    requestId: text('request_id').notNull(),
    /** Which text of a `{ "texts": [...] }` request; 0 for single predictions. */
    item: integer('item').notNull().default(0),
    model: text('model').notNull(),
    variant: text('variant').notNull(),
    predicted: text('predicted').notNull(),
    label: text('label').notNull(),
    correct: integer('correct').notNull(),
    /** When the prediction was served (ms): windows select feedback by it, like the histograms. */
    requestTs: integer('request_ts').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.item] }), index('feedback_model_request_ts').on(t.model, t.requestTs)],
);
