// Recording ground truth and reading it back per variant for the A/B comparison.
import { and, eq, gte, sql } from 'drizzle-orm';
import { feedback } from './feedbackSchema';
import type { PareDb } from './client';

export interface NewFeedback {
  requestId: string;
  item: number;
  model: string;
  variant: string;
  predicted: string;
  label: string;
  requestTs: number;
}

/**
 * Store the true label of one prediction, once: a conditional insert on the (request, item) key, so the first label
 * wins and a later one (a retry, or someone trying to tilt the accuracy figures) changes nothing. `recorded` is
 * false when that prediction had feedback already.
 */
export async function recordFeedback(db: PareDb, f: NewFeedback, now = Date.now()): Promise<{ recorded: boolean; correct: boolean }> {
  const correct = f.predicted === f.label ? 1 : 0;
  const inserted = await db
    .insert(feedback)
    .values({ ...f, correct, createdAt: now })
    .onConflictDoNothing()
    .returning({ requestId: feedback.requestId });
  return { recorded: inserted.length === 1, correct: correct === 1 };
}

export interface LabelledCounts {
  variant: string;
  correct: number;
  total: number;
}

/** Per variant: labelled predictions served since `sinceMs` and how many of them were right. */
export async function readLabelledCounts(db: PareDb, options: { model: string; sinceMs: number }): Promise<LabelledCounts[]> {
  const rows = await db
    .select({ variant: feedback.variant, correct: sql<number>`sum(${feedback.correct})`, total: sql<number>`count(*)` })
    .from(feedback)
    .where(and(eq(feedback.model, options.model), gte(feedback.requestTs, options.sinceMs)))
    .groupBy(feedback.variant)
    .all();
  return rows.map((r) => ({ variant: r.variant, correct: Number(r.correct), total: Number(r.total) }));
}
