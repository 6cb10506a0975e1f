// A model's serving state (current weights + its variants and their health), cached in the isolate for a
// few seconds so a request does not wait for D1 every time. Admin changes made here invalidate it at once.
// Only models D1 has are kept (a bounded LRU): a name D1 does not know leaves nothing behind.
import { PareError } from '@pare/errors';
import { createDb, currentDeployment, getModel, listVariants, type VariantRow } from '@pare/db';
import { VARIANT_NAME } from '@pare/runtime';
import type { Env } from '../env';
import { BoundedLru } from '../cache/boundedLru';

export interface ModelState {
  model: string;
  task: string;
  version: number;
  weights: Record<string, number>;
  /** The experiment salt of the assignment hash ('' = unsalted). */
  salt: string;
  variants: Map<string, VariantRow>;
  healthy: Set<string>;
  fetchedAt: number;
}

/** How many models' states an isolate keeps (a state is a few KB: its variant rows and manifests' text). */
const MAX_MODEL_STATES = 256;

/** Model → its state, with when it was fetched; a lookup in flight is here until D1 answers. */
const cache = new BoundedLru<string, { state: Promise<ModelState>; fetchedAt: number }>({ maxEntries: MAX_MODEL_STATES });

export function unknownModel(model: string): PareError {
  // A name outside the name rule may be any length: the message quotes only its start.
  const shown = model.length > 80 ? `${model.slice(0, 80)}…` : model;
  return new PareError('model_not_found', `Unknown model "${shown}"; GET /v1/models lists the deployed models.`, { status: 404 });
}

export function modelStateCacheSize(): number {
  return cache.size;
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
    salt: deployment?.salt ?? '',
    variants: new Map(variants.map((v) => [v.name, v])),
    healthy: new Set(variants.filter((v) => v.status === 'healthy').map((v) => v.name)),
    fetchedAt: Date.now(),
  };
}

export async function getModelState(env: Env, model: string): Promise<ModelState> {
  // No model can have a name outside the name rule: refuse it before any lookup.
  if (!VARIANT_NAME.test(model)) throw unknownModel(model);
  const ttl = Number(env.DEPLOYMENT_CACHE_MS ?? '5000');
  const cached = cache.get(model);
  if (cached && Date.now() - cached.fetchedAt < ttl) return cached.state;
  const state = fetchState(env, model);
  cache.set(model, { state, fetchedAt: Date.now() });
  // A failure is not remembered: an unknown name must not stay in memory, and D1 being down is retried next time.
  state.catch(() => {
    if (cache.peek(model)?.state === state) cache.delete(model);
  });
  return state;
}

export function invalidateModelState(model: string): void {
  cache.delete(model);
}

/** Mark a variant unhealthy in this isolate right away (D1 is updated by the caller). */
export async function markUnhealthyInIsolate(model: string, variant: string): Promise<void> {
  const state = await cache.peek(model)?.state.catch(() => undefined);
  state?.healthy.delete(variant);
}
