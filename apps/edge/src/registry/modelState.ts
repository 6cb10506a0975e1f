// A model's serving state (current weights + its variants and their health), cached in the isolate for a
// few seconds so a request does not wait for D1 every time. Admin changes made here invalidate it at once.
import { PareError } from '@pare/errors';
import { createDb, currentDeployment, getModel, listVariants, type VariantRow } from '@pare/db';
import type { Env } from '../env';

export interface ModelState {
  model: string;
  task: string;
  version: number;
  weights: Record<string, number>;
  variants: Map<string, VariantRow>;
  healthy: Set<string>;
  fetchedAt: number;
}

/** Model → its state (or the model_not_found error), with when it was fetched: unknown models are cached too. */
const cache = new Map<string, { state: Promise<ModelState>; fetchedAt: number }>();

export function unknownModel(model: string): PareError {
  return new PareError('model_not_found', `Unknown model "${model}"; GET /v1/models lists the deployed models.`, { status: 404 });
}

async function fetchState(env: Env, model: string): Promise<ModelState> {
  const db = createDb(env.DB);
  const [row, deployment, variants] = await Promise.all([getModel(db, model), currentDeployment(db, model), listVariants(db, model)]);
  if (!row) throw unknownModel(model);
  return {
    model,
    task: row.task,
    version: deployment?.version ?? 0,
    weights: deployment?.weights ?? {},
    variants: new Map(variants.map((v) => [v.name, v])),
    healthy: new Set(variants.filter((v) => v.status === 'healthy').map((v) => v.name)),
    fetchedAt: Date.now(),
  };
}

export async function getModelState(env: Env, model: string): Promise<ModelState> {
  const ttl = Number(env.DEPLOYMENT_CACHE_MS ?? '5000');
  const cached = cache.get(model);
  if (cached && Date.now() - cached.fetchedAt < ttl) return cached.state;
  const state = fetchState(env, model);
  cache.set(model, { state, fetchedAt: Date.now() });
  // Only "unknown model" is worth remembering; any other failure (D1 down) is retried by the next request.
  state.catch((e: unknown) => {
    if (!(e instanceof PareError && e.code === 'model_not_found') && cache.get(model)?.state === state) cache.delete(model);
  });
  return state;
}

export function invalidateModelState(model: string): void {
  cache.delete(model);
}

/** Mark a variant unhealthy in this isolate right away (D1 is updated by the caller). */
export async function markUnhealthyInIsolate(model: string, variant: string): Promise<void> {
  const state = await cache.get(model)?.state.catch(() => undefined);
  state?.healthy.delete(variant);
}
