// Which variant serves a request: sticky weighted assignment, then the session; a variant that fails to
// load (or, via serveInference.ts, keeps failing to run) is marked unhealthy (D1 + this isolate), the failure
// is recorded, and a healthy variant takes over.
import { PareError } from '@pare/errors';
import { createDb, setVariantStatus, type VariantRow } from '@pare/db';
import { assignVariant } from '@pare/experiments';
import { parseManifest, type InferenceSession, type Manifest, type TextTokenizer } from '@pare/runtime';
import type { Env } from '../env';
import { getModelState, invalidateModelState, markUnhealthyInIsolate } from '../registry/modelState';
import { getSession, releaseSession, VariantLoadError, type LoadTimings } from './sessionCache';
import { variantTokenizer } from './variantTokenizer';
import { BoundedLru } from '../cache/boundedLru';

export interface ServingVariant {
  model: string;
  variant: string;
  row: VariantRow;
  manifest: Manifest;
  session: InferenceSession;
  /** Text variants: what their requests are encoded with. */
  tokenizer?: TextTokenizer;
  loadMs: number;
  /** Set when this request created the session: where its load time went. */
  loadTimings?: LoadTimings;
  /** The variant the weights picked, when a fallback served instead. */
  assigned: string;
  fallback: boolean;
}

export interface ResolveOptions {
  model: string;
  unit: string;
  /** Address one variant directly (OIP `/versions/:variant`): no assignment, no fallback. */
  pinnedVariant?: string;
  /** Variants not to use (one that just failed this request): treated as unhealthy for this resolution. */
  exclude?: readonly string[];
  /** Called once per variant found unhealthy on the way (to record the event). */
  onUnhealthy?: (variant: string, error: VariantLoadError) => void;
}

/** Parsed manifests per variant: two variants may share bytes (a sha256) but not labels or tokenizer. */
const manifests = new BoundedLru<string, { text: string; manifest: Manifest }>({
  maxEntries: 256,
  // A manifest (labels, a tokenizer's vocabulary) costs about its text (UTF-16) twice over: string and parsed.
  maxBytes: 16 * 1024 * 1024,
});

export function manifestCacheSize(): { manifests: number; manifestBytes: number } {
  return { manifests: manifests.size, manifestBytes: manifests.bytes };
}

export function manifestOf(row: VariantRow): Manifest {
  const key = `${row.model}\u0000${row.name}`;
  let entry = manifests.get(key);
  if (!entry || entry.text !== row.manifest) {
    entry = { text: row.manifest, manifest: parseManifest(JSON.parse(row.manifest)) };
    manifests.set(key, entry, row.manifest.length * 4);
  } else entry.text = row.manifest; // the same text: keep the newest string, so the next check is an identity hit
  return entry.manifest;
}

export function variantNotFound(model: string, variant: string): PareError {
  return new PareError('variant_not_found', `Model "${model}" has no variant "${variant}".`, { status: 404 });
}

export async function markUnhealthy(env: Env, row: VariantRow, reason: string): Promise<void> {
  await markUnhealthyInIsolate(row.model, row.name);
  await setVariantStatus(createDb(env.DB), row.model, row.name, 'unhealthy', reason);
  invalidateModelState(row.model);
}

export async function resolveServingVariant(env: Env, options: ResolveOptions): Promise<ServingVariant> {
  const { model, unit, pinnedVariant } = options;
  const failed = new Set<string>(options.exclude);
  for (;;) {
    const state = await getModelState(env, model);
    let variant: string;
    let assigned: string;
    let fallback = false;
    if (pinnedVariant !== undefined) {
      if (!state.variants.has(pinnedVariant)) throw variantNotFound(model, pinnedVariant);
      if (!state.healthy.has(pinnedVariant)) {
        // The stored reason may hold internal error text: this public answer says only that; the dashboard says why.
        throw new PareError('variant_unhealthy', `Variant "${model}/${pinnedVariant}" is unhealthy; its reason is on the dashboard.`, { status: 503 });
      }
      variant = assigned = pinnedVariant;
    } else {
      const healthy = new Set([...state.healthy].filter((v) => !failed.has(v)));
      ({ variant, assigned, fallback } = assignVariant({ model, unit, weights: state.weights, healthy, candidates: [...state.variants.keys()], salt: state.salt }));
    }
    const row = state.variants.get(variant)!;
    try {
      const source = { model, variant, sha256: row.sha256, r2Key: row.r2Key };
      const manifest = manifestOf(row);
      // The tokenizer's R2 read overlaps the model's load instead of following it.
      const tokenizing = variantTokenizer(env.MODELS, source, manifest);
      tokenizing.catch(() => undefined);
      const { session, loadMs, timings } = await getSession(env.MODELS, source);
      let tokenizer: TextTokenizer | undefined;
      try {
        tokenizer = await tokenizing;
      } catch (e) {
        releaseSession(session);
        throw e;
      }
      return { model, variant, row, manifest, session, tokenizer, loadMs, loadTimings: timings, assigned, fallback: fallback || failed.size > 0 };
    } catch (e) {
      if (!(e instanceof VariantLoadError)) throw e;
      await markUnhealthy(env, row, e.reason);
      options.onUnhealthy?.(variant, e);
      if (pinnedVariant !== undefined) throw e;
      failed.add(variant);
    }
  }
}
