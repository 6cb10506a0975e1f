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
let initialised: Promise<void> | undefined;

/** A one-node Identity model (built with @pare/onnx's GraphBuilder): creating it initialises ORT's wasm. */
const WARMUP_MODEL_BASE64 = 'CAgSBHBhcmUaBTAuMS4wOk8KIwoBeBIBeRoPSWRlbnRpdHlfbm9kZV8wIghJZGVudGl0eToAEgZ3YXJtdXBaDwoBeBIKCggIARIECgIIAWIPCgF5EgoKCAgBEgQKAggBQgQKABAR';
let warming: Promise<void> | undefined;

/**
 * Start ORT's wasm initialisation now (idempotent), so that a cold request overlaps it with its D1 and R2
 * reads instead of paying for it after them.
 */
export function warmUpWorkerdBackend(): Promise<void> {
  warming ??= workerdBackend.createSession(Uint8Array.from(atob(WARMUP_MODEL_BASE64), (ch) => ch.charCodeAt(0)))
    .then((session) => session.release())
    .catch(() => {
      warming = undefined;
    });
  return warming;
}

/** Create an inference session from model bytes. The first call initialises ORT's wasm (lazily, never at module start). */
async function createSession(bytes: Uint8Array): Promise<InferenceSession> {
  if (!initialised) {
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    // A placeholder so ORT does not try to fetch the binary; the precompiled module is used instead.
    ort.env.wasm.wasmBinary = new Uint8Array(8).buffer;
    ort.env.logLevel = 'error';
  }
  const original = WebAssembly.instantiate;
  const first = !initialised;
  if (first) {
    const patched = (async (_source: unknown, imports?: WebAssembly.Imports) => {
      const instance = await original(ortWasmModule, imports);
      return { instance, module: ortWasmModule };
    }) as unknown as typeof WebAssembly.instantiate;
    WebAssembly.instantiate = patched;
  }
  try {
    const creating = createOrtSession(NAME, workerdOrt, bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    if (first) initialised = creating.then(() => undefined);
    return await creating;
  } catch (e) {
    if (first) initialised = undefined;
    throw e;
  } finally {
    if (first) WebAssembly.instantiate = original;
  }
}

/** onnxruntime-web's wasm build inside workerd, single-threaded. */
export const workerdBackend: InferenceBackend = { name: NAME, createSession };
