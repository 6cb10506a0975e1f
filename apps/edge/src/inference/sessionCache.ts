// Per-isolate cache of ORT sessions keyed by the variant's content hash. A miss reads the bytes from R2,
// checks them against the manifest's sha256 and creates the session; any failure is a VariantLoadError.
// Every getSession holds its session until releaseSession: an evicted session is released after its last request.
import { PareError } from '@pare/errors';
import { runtimeFailureReason, servedModel, sha256Hex, type InferenceSession } from '@pare/runtime';
import { startWorkerdBackend, workerdBackend } from '@pare/runtime/workerd';
import type { Env } from '../env';
import { BoundedLru } from '../cache/boundedLru';

/** How many sessions an isolate keeps (128 MB per isolate: evict the least recently used). */
const MAX_SESSIONS = 8;

/** The sessions' memory budget when SESSION_CACHE_BYTES is not set. */
const DEFAULT_SESSION_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * A session's memory, estimated as the bytes the session was created from × 2: ORT's wasm heap holds the parsed
 * graph with its initializers (about the model's size) plus the arena for activations and the model bytes copied
 * in. A weight-only variant is folded to fp32 first (servedModel), so it is the folded size that counts.
 */
const SESSION_BYTES_PER_MODEL_BYTE = 2;

export interface SessionSource {
  model: string;
  variant: string;
  sha256: string;
  r2Key: string;
}

/** Where a cold load's time went, in order (each the wall time of its step). */
export interface LoadTimings {
  /** Reading the bytes from R2. */
  fetchMs: number;
  /** Checking them against the manifest's sha256. */
  verifyMs: number;
  /** Folding a weight-only variant's constant dequantization into fp32 weights (0 when there is none). */
  foldMs: number;
  /** Waiting for ORT's wasm initialisation, the part of it that the reads before did not cover. */
  initWaitMs: number;
  /** ORT's session creation itself. */
  createMs: number;
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
    // The reason (stored with the variant's status, shown on the dashboard) stays out of the public message.
    super('variant_unavailable', `Variant "${source.model}/${source.variant}" cannot be served right now.`, { status: 503, cause });
  }
}

const sessions = new BoundedLru<string, Promise<InferenceSession>>({
  maxEntries: MAX_SESSIONS,
  maxBytes: DEFAULT_SESSION_CACHE_BYTES,
  onRemove: (_sha256, pending) => void pending.then((s) => s.release()).catch(() => undefined),
});

/** Each held session's release functions, one per getSession not yet released. */
const holds = new WeakMap<InferenceSession, Array<() => void>>();
let heldCount = 0;

/** Apply the configured budget (SESSION_CACHE_BYTES, bytes) before a request loads a session. */
export function applySessionBudget(env: Pick<Env, 'SESSION_CACHE_BYTES'>): void {
  const n = Number(env.SESSION_CACHE_BYTES);
  sessions.setLimits({ maxBytes: Number.isFinite(n) && n > 0 ? n : DEFAULT_SESSION_CACHE_BYTES });
}

export function sessionCacheSize(): { sessions: number; sessionBytes: number; heldSessions: number; sessionsAwaitingRelease: number } {
  return { sessions: sessions.size, sessionBytes: sessions.bytes, heldSessions: heldCount, sessionsAwaitingRelease: sessions.awaitingRelease };
}

async function load(bucket: R2Bucket, source: SessionSource): Promise<{ session: InferenceSession; timings: LoadTimings; bytes: number }> {
  const t0 = performance.now();
  const reading = bucket.get(source.r2Key);
  // If ORT's wasm start has not begun yet (apps/edge/src/inference/ortStart.ts), it runs while the read travels.
  startWorkerdBackend();
  const object = await reading;
  if (!object) throw new VariantLoadError(source, `model bytes missing from R2 (${source.r2Key})`);
  const bytes = new Uint8Array(await object.arrayBuffer());
  const t1 = performance.now();
  const actual = await sha256Hex(bytes);
  if (actual !== source.sha256) throw new VariantLoadError(source, `sha256 of the stored bytes is ${actual}, the manifest says ${source.sha256}`);
  const t2 = performance.now();
  try {
    const served = servedModel(bytes).bytes;
    const t3 = performance.now();
    await startWorkerdBackend().ready;
    const t4 = performance.now();
    const session = await workerdBackend.createSession(served);
    const timings = { fetchMs: t1 - t0, verifyMs: t2 - t1, foldMs: t3 - t2, initWaitMs: t4 - t3, createMs: performance.now() - t4 };
    return { session, timings, bytes: served.byteLength };
  } catch (cause) {
    throw new VariantLoadError(source, `onnxruntime-web could not load it (${runtimeFailureReason(cause)})`, cause);
  }
}

/** The session (held: the caller must releaseSession it when its request ends, see heldDuring). */
export async function getSession(bucket: R2Bucket, source: SessionSource): Promise<CachedSession> {
  const hit = sessions.get(source.sha256);
  if (hit) {
    // Held before awaiting: an eviction meanwhile must not release it under this request.
    const release = sessions.acquire(source.sha256)!;
    try {
      return { session: hold(await hit, release), loadMs: 0, cached: true };
    } catch (e) {
      release();
      throw e;
    }
  }
  const started = performance.now();
  const loading = load(bucket, source);
  const pending = loading.then((l) => l.session);
  // Failures surface through `loading` below; this copy only serves concurrent callers.
  pending.catch(() => undefined);
  sessions.set(source.sha256, pending);
  const release = sessions.acquire(source.sha256)!;
  try {
    const { session, timings, bytes } = await loading;
    // Re-size the entry (if still cached) now that its size is known; this evicts beyond the budget.
    if (sessions.peek(source.sha256) === pending) sessions.set(source.sha256, pending, bytes * SESSION_BYTES_PER_MODEL_BYTE);
    return { session: hold(session, release), loadMs: performance.now() - started, timings, cached: false };
  } catch (e) {
    release();
    if (sessions.peek(source.sha256) === pending) sessions.delete(source.sha256);
    throw e;
  }
}

function hold(session: InferenceSession, release: () => void): InferenceSession {
  const list = holds.get(session) ?? [];
  list.push(release);
  holds.set(session, list);
  heldCount++;
  return session;
}

/** One more hold on a cached session (for work that outlives the request, such as its warm-up); false if it is gone. */
export function holdSession(sha256: string, session: InferenceSession): boolean {
  const release = sessions.acquire(sha256);
  if (!release) return false;
  hold(session, release);
  return true;
}

/** End one getSession's hold on the session (a session evicted meanwhile is released after the last). */
export function releaseSession(session: InferenceSession): void {
  const release = holds.get(session)?.pop();
  if (!release) return;
  heldCount--;
  release();
}

/** Wrap an inference route's work so the session it was given is released when the work ends: when its
 * promise settles, or, for a streamed answer that keeps running the session, when `heldUntil` settles. */
export function heldDuring<S extends { session: InferenceSession }, R extends { heldUntil?: Promise<unknown> }>(run: (serving: S) => Promise<R>): (serving: S) => Promise<R> {
  return async (serving) => {
    let result: R;
    try {
      result = await run(serving);
    } catch (e) {
      releaseSession(serving.session);
      throw e;
    }
    if (result.heldUntil) void result.heldUntil.catch(() => undefined).finally(() => releaseSession(serving.session));
    else releaseSession(serving.session);
    return result;
  };
}

/** Create a session from bytes, as served, without caching it (the admin route's "must load in ORT" check). */
export async function tryLoad(bytes: Uint8Array): Promise<InferenceSession> {
  return workerdBackend.createSession(servedModel(bytes).bytes);
}

export function forgetSession(sha256: string): void {
  sessions.delete(sha256);
}
