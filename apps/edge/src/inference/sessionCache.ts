// Per-isolate cache of ORT sessions keyed by the variant's content hash. A miss reads the bytes from R2,
// checks them against the manifest's sha256 and creates the session; any failure is a VariantLoadError.
import { PareError } from '@pare/errors';
import { runtimeFailureReason, sha256Hex, type InferenceSession } from '@pare/runtime';
import { workerdBackend } from '@pare/runtime/workerd';

/** How many sessions an isolate keeps (128 MB per isolate: evict the least recently used). */
const MAX_SESSIONS = 8;

export interface SessionSource {
  model: string;
  variant: string;
  sha256: string;
  r2Key: string;
}

export interface LoadTimings {
  r2Ms: number;
  hashMs: number;
  ortMs: number;
}

export interface CachedSession {
  session: InferenceSession;
  /** Milliseconds spent reading R2, hashing and creating the session (0 on a cache hit). */
  loadMs: number;
  /** Where the load time went (cold loads only). */
  timings?: LoadTimings;
  cached: boolean;
}

/** The bytes are missing, fail the hash check, or do not load: the variant is unhealthy. */
export class VariantLoadError extends PareError {
  constructor(source: SessionSource, readonly reason: string, cause?: unknown) {
    super('variant_unavailable', `Variant "${source.model}/${source.variant}" cannot be served: ${reason}.`, { status: 503, cause });
  }
}

const sessions = new Map<string, Promise<InferenceSession>>();

async function load(bucket: R2Bucket, source: SessionSource): Promise<{ session: InferenceSession; timings: LoadTimings }> {
  const t0 = performance.now();
  const object = await bucket.get(source.r2Key);
  if (!object) throw new VariantLoadError(source, `model bytes missing from R2 (${source.r2Key})`);
  const bytes = new Uint8Array(await object.arrayBuffer());
  const t1 = performance.now();
  const actual = await sha256Hex(bytes);
  if (actual !== source.sha256) throw new VariantLoadError(source, `sha256 of the stored bytes is ${actual}, the manifest says ${source.sha256}`);
  const t2 = performance.now();
  try {
    const session = await workerdBackend.createSession(bytes);
    return { session, timings: { r2Ms: t1 - t0, hashMs: t2 - t1, ortMs: performance.now() - t2 } };
  } catch (cause) {
    throw new VariantLoadError(source, `onnxruntime-web could not load it (${runtimeFailureReason(cause)})`, cause);
  }
}

export async function getSession(bucket: R2Bucket, source: SessionSource): Promise<CachedSession> {
  const hit = sessions.get(source.sha256);
  if (hit) {
    sessions.delete(source.sha256);
    sessions.set(source.sha256, hit);
    return { session: await hit, loadMs: 0, cached: true };
  }
  const started = performance.now();
  const loading = load(bucket, source);
  const pending = loading.then((l) => l.session);
  // Failures surface through `loading` below; this copy only serves concurrent callers.
  pending.catch(() => undefined);
  sessions.set(source.sha256, pending);
  try {
    const { session, timings } = await loading;
    evictBeyondLimit();
    return { session, loadMs: performance.now() - started, timings, cached: false };
  } catch (e) {
    if (sessions.get(source.sha256) === pending) sessions.delete(source.sha256);
    throw e;
  }
}

/** Create a session from bytes without caching it (the admin route's "must load in ORT" check). */
export async function tryLoad(bytes: Uint8Array): Promise<InferenceSession> {
  return workerdBackend.createSession(bytes);
}

export function forgetSession(sha256: string): void {
  const entry = sessions.get(sha256);
  sessions.delete(sha256);
  void entry?.then((s) => s.release()).catch(() => undefined);
}

function evictBeyondLimit(): void {
  while (sessions.size > MAX_SESSIONS) {
    const oldest = sessions.keys().next().value as string;
    forgetSession(oldest);
  }
}
