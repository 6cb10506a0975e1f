// Versioned traffic weights. The current deployment of a model is its newest version not rolled back.
import { and, desc, eq, sql } from 'drizzle-orm';
import { deployments } from './schema';
import type { PareDb } from './client';

/** Variant name → integer weight; the weights of a deployment sum to 100. */
export type TrafficWeights = Record<string, number>;

export interface Deployment {
  model: string;
  version: number;
  weights: TrafficWeights;
  reason: string;
  /** Experiment salt of the assignment hash; '' is the unsalted hash. */
  salt: string;
  createdAt: number;
}

function toDeployment(row: typeof deployments.$inferSelect): Deployment {
  return { model: row.model, version: row.version, weights: JSON.parse(row.weights) as TrafficWeights, reason: row.reason, salt: row.salt, createdAt: row.createdAt };
}

export async function currentDeployment(db: PareDb, model: string): Promise<Deployment | undefined> {
  const row = await db
    .select()
    .from(deployments)
    .where(and(eq(deployments.model, model), eq(deployments.rolledBack, false)))
    .orderBy(desc(deployments.version))
    .limit(1)
    .get();
  return row ? toDeployment(row) : undefined;
}

/** All versions, newest first (rolled back ones included, flagged). */
export async function deploymentHistory(db: PareDb, model: string): Promise<Array<Deployment & { rolledBack: boolean }>> {
  const rows = await db.select().from(deployments).where(eq(deployments.model, model)).orderBy(desc(deployments.version)).all();
  return rows.map((r) => ({ ...toDeployment(r), rolledBack: r.rolledBack }));
}

/**
 * Append a new version with these weights; it becomes current. The next version number is taken inside the
 * one INSERT statement, so concurrent changes get distinct versions instead of a unique-constraint failure.
 * Without `salt` the current version's salt carries over (a promote or a new weight keeps the experiment's hash).
 */
export async function setWeights(db: PareDb, model: string, weights: TrafficWeights, reason: string, now = Date.now(), options: { salt?: string } = {}): Promise<Deployment> {
  const carried = sql`(SELECT ${deployments.salt} FROM ${deployments} WHERE ${deployments.model} = ${model} AND ${deployments.rolledBack} = 0 ORDER BY ${deployments.version} DESC LIMIT 1)`;
  const salt = options.salt === undefined ? sql`COALESCE(${carried}, '')` : sql`${options.salt}`;
  const row = await db.get<{ version: number; salt: string }>(sql`
    INSERT INTO ${deployments} (${sql.identifier(deployments.model.name)}, ${sql.identifier(deployments.version.name)}, ${sql.identifier(deployments.weights.name)}, ${sql.identifier(deployments.reason.name)}, ${sql.identifier(deployments.salt.name)}, ${sql.identifier(deployments.createdAt.name)})
    SELECT ${model}, COALESCE(MAX(${deployments.version}), 0) + 1, ${JSON.stringify(weights)}, ${reason}, ${salt}, ${now} FROM ${deployments} WHERE ${deployments.model} = ${model}
    RETURNING ${sql.identifier(deployments.version.name)} AS version, ${sql.identifier(deployments.salt.name)} AS salt`);
  return { model, version: Number(row.version), weights, reason, salt: String(row.salt), createdAt: now };
}

/**
 * Roll back: the current version is marked rolled back, so the previous live version is current again.
 * Returns the restored deployment, or undefined when there is no earlier version to restore.
 */
export async function rollbackDeployment(db: PareDb, model: string): Promise<{ from: Deployment; to: Deployment } | undefined> {
  const live = await db
    .select()
    .from(deployments)
    .where(and(eq(deployments.model, model), eq(deployments.rolledBack, false)))
    .orderBy(desc(deployments.version))
    .limit(2)
    .all();
  if (live.length < 2) return undefined;
  const [current, previous] = live as [typeof deployments.$inferSelect, typeof deployments.$inferSelect];
  await db.update(deployments).set({ rolledBack: true }).where(eq(deployments.id, current.id));
  return { from: toDeployment(current), to: toDeployment(previous) };
}
