/// <reference path="./wasm.d.ts" />
// The only module that imports onnxruntime-web inside workerd. workerd forbids compiling wasm from bytes at
// run time, so the wasm arrives as a precompiled module (wrangler's `CompiledWasm` rule in wrangler.toml)
// and is handed to ORT's loader by briefly swapping WebAssembly.instantiate.
import * as ort from 'onnxruntime-web/wasm';
// A relative path: wrangler's module collector resolves .wasm imports as files, not as package exports.
import ortWasmModule from '../../../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm';
import { createOrtSession, type OrtModule } from '../backend/ortAdapter';
import type { InferenceBackend, InferenceSession } from '../backend/inferenceBackend';

const NAME = 'onnxruntime-web (wasm)';
const workerdOrt = ort as unknown as OrtModule;

/** A one-node Identity model (built with @pare/onnx's GraphBuilder): creating it initialises ORT's wasm. */
const INIT_MODEL_BASE64 = 'CAgSBHBhcmUaBTAuMS4wOk8KIwoBeBIBeRoPSWRlbnRpdHlfbm9kZV8wIghJZGVudGl0eToAEgZ3YXJtdXBaDwoBeBIKCggIARIECgIIAWIPCgF5EgoKCAgBEgQKAggBQgQKABAR';

/** What ORT's wasm initialisation of this isolate took, once it is done. */
export interface WorkerdInit {
  ready: Promise<void>;
  /** True for the one call that started it (its request reports the init in server-timing). */
  started: boolean;
  /** Milliseconds from its start to its end; undefined while it runs. */
  ms(): number | undefined;
}

let initialising: Promise<void> | undefined;
let initMs: number | undefined;
/** The part of initMs spent instantiating the precompiled module; the rest is ORT's first session creation. */
let instantiateMs: number | undefined;

function createWithOrt(bytes: Uint8Array): Promise<InferenceSession> {
  return createOrtSession(NAME, workerdOrt, bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
}

async function initialise(): Promise<void> {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  // A placeholder so ORT does not try to fetch the binary; the precompiled module is used instead.
  ort.env.wasm.wasmBinary = new Uint8Array(8).buffer;
  ort.env.logLevel = 'error';
  const original = WebAssembly.instantiate;
  const patched = (async (_source: unknown, imports?: WebAssembly.Imports) => {
    const t0 = performance.now();
    const instance = await original(ortWasmModule, imports);
    instantiateMs = performance.now() - t0;
    return { instance, module: ortWasmModule };
  }) as unknown as typeof WebAssembly.instantiate;
  WebAssembly.instantiate = patched;
  try {
    const session = await createWithOrt(Uint8Array.from(atob(INIT_MODEL_BASE64), (ch) => ch.charCodeAt(0)));
    await session.release();
  } finally {
    WebAssembly.instantiate = original;
  }
}

/**
 * Start ORT's wasm initialisation now (idempotent), so that a cold request overlaps it with its D1 and R2
 * reads instead of paying for it after them. A failed start is retried by the next call.
 */
export function startWorkerdBackend(): WorkerdInit {
  const started = initialising === undefined;
  if (started) {
    const t0 = performance.now();
    initMs = undefined;
    instantiateMs = undefined;
    initialising = initialise().then(
      () => {
        initMs = performance.now() - t0;
      },
      (e: unknown) => {
        initialising = undefined;
        throw e;
      },
    );
    // A caller that only starts it does not await it: its failure surfaces in createSession.
    initialising.catch(() => undefined);
  }
  const ready = initialising!;
  return { ready, started, ms: () => initMs };
}

/**
 * Whether ORT's wasm start has begun in this isolate, and what it took once done: `instantiateMs` of it went to
 * instantiating the module, the rest to ORT's first session creation, most of which is V8 compiling the wasm
 * functions it runs for the first time (docs/platform.md).
 */
export function workerdBackendState(): { started: boolean; ms?: number; instantiateMs?: number } {
  return { started: initialising !== undefined, ...(initMs !== undefined ? { ms: initMs, ...(instantiateMs !== undefined ? { instantiateMs } : {}) } : {}) };
}

/** Create an inference session from model bytes, once ORT's wasm is up (started here if nothing started it). */
async function createSession(bytes: Uint8Array): Promise<InferenceSession> {
  await startWorkerdBackend().ready;
  return createWithOrt(bytes);
}

/** onnxruntime-web's wasm build inside workerd, single-threaded. */
export const workerdBackend: InferenceBackend = { name: NAME, createSession };
