// Models and their variants: the registry rows behind `GET /v1/models` and the admin routes.
import { and, asc, eq } from 'drizzle-orm';
import { models, variants, type VariantStatus } from './schema';
import type { PareDb } from './client';

export type VariantRow = typeof variants.$inferSelect;
export type ModelRow = typeof models.$inferSelect;

export interface NewVariant {
  model: string;
  name: string;
  task: string;
  sha256: string;
  bytes: number;
  manifest: string;
  r2Key: string;
}

/** Insert (or replace) a variant, creating its model on first use; the variant starts healthy. */
export async function putVariant(db: PareDb, v: NewVariant, now = Date.now()): Promise<void> {
  await db.batch([
    db.insert(models).values({ name: v.model, task: v.task, createdAt: now }).onConflictDoNothing(),
    db
      .insert(variants)
      .values({ model: v.model, name: v.name, sha256: v.sha256, bytes: v.bytes, manifest: v.manifest, r2Key: v.r2Key, status: 'healthy', createdAt: now })
      .onConflictDoUpdate({
        target: [variants.model, variants.name],
        set: { sha256: v.sha256, bytes: v.bytes, manifest: v.manifest, r2Key: v.r2Key, status: 'healthy', statusReason: null, statusChangedAt: now },
      }),
  ]);
}

/** What a claimed, not yet stored variant says about itself while its bytes are being written. */
export const UPLOAD_IN_PROGRESS = 'upload in progress';

/**
 * Claim a new variant name: a conditional insert on the (model, name) primary key, so of two concurrent
 * uploads exactly one gets `true`. The row starts unhealthy (not served) until putVariant stores the rest.
 */
export async function claimVariant(db: PareDb, v: NewVariant, now = Date.now()): Promise<boolean> {
  await db.insert(models).values({ name: v.model, task: v.task, createdAt: now }).onConflictDoNothing();
  const inserted = await db
    .insert(variants)
    .values({ model: v.model, name: v.name, sha256: v.sha256, bytes: v.bytes, manifest: v.manifest, r2Key: v.r2Key, status: 'unhealthy', statusReason: UPLOAD_IN_PROGRESS, statusChangedAt: now, createdAt: now })
    .onConflictDoNothing()
    .returning({ name: variants.name });
  return inserted.length === 1;
}

export async function getModel(db: PareDb, model: string): Promise<ModelRow | undefined> {
  return db.select().from(models).where(eq(models.name, model)).get();
}

export async function listModels(db: PareDb): Promise<ModelRow[]> {
  return db.select().from(models).orderBy(asc(models.name)).all();
}

export async function listVariants(db: PareDb, model?: string): Promise<VariantRow[]> {
  const query = db.select().from(variants);
  return (model === undefined ? query : query.where(eq(variants.model, model))).orderBy(asc(variants.model), asc(variants.name)).all();
}

export async function getVariant(db: PareDb, model: string, variant: string): Promise<VariantRow | undefined> {
  return db.select().from(variants).where(and(eq(variants.model, model), eq(variants.name, variant))).get();
}

/** Mark a variant healthy or unhealthy, with the reason an operator reads in `GET /v1/models`. */
export async function setVariantStatus(db: PareDb, model: string, variant: string, status: VariantStatus, reason: string | null, now = Date.now()): Promise<void> {
  await db
    .update(variants)
    .set({ status, statusReason: reason, statusChangedAt: now })
    .where(and(eq(variants.model, model), eq(variants.name, variant)));
}

export async function deleteVariant(db: PareDb, model: string, variant: string): Promise<void> {
  await db.delete(variants).where(and(eq(variants.model, model), eq(variants.name, variant)));
}
