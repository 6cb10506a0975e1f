import type { InferenceBackend, InferenceSession } from '@pare/runtime';
import { createNodeBackend } from '@pare/runtime/node';
import { webNodeBackend } from '@pare/runtime/web-node';

// Running an exported model in both ONNX runtimes from Node, through @pare/runtime's backends: onnxruntime-node
// (the origin's runtime) and onnxruntime-web's wasm backend with one thread (what the edge runs). Used by the
// parity tests and the latency measurement.

export type OrtBackend = 'node' | 'web';

export interface ClassifierSession {
  backend: OrtBackend;
  /** Logits [rows, numLabels] for int64 ids and mask, row-major [rows, maxLength]. */
  run(ids: BigInt64Array, mask: BigInt64Array, rows: number, maxLength: number): Promise<Float32Array>;
  release(): Promise<void>;
}

const backends: Record<OrtBackend, InferenceBackend> = {
  node: createNodeBackend({ executionProvider: 'cpu', intraOpNumThreads: 1 }),
  web: webNodeBackend,
};

/** A session of either runtime for any feeds (a teacher may take token_type_ids or position_ids). */
export async function createOrtSession(bytes: Uint8Array, backend: OrtBackend): Promise<InferenceSession> {
  // onnxruntime-web's Emscripten loader installs a global `Worker` (Node's worker_threads) when it starts. jax-js
  // decides per kernel whether its Wasm memory is shared from `typeof Worker`, so a global appearing after jax-js
  // started makes its next kernel fail to link ("memory import 0 has no maximum limit"). Remove what ORT added:
  // with one thread and no proxy, ORT-web never starts a worker.
  const hadWorker = 'Worker' in globalThis;
  const session = await backends[backend].createSession(bytes);
  if (!hadWorker && 'Worker' in globalThis) Reflect.deleteProperty(globalThis, 'Worker');
  return session;
}

export async function createClassifierSession(bytes: Uint8Array, backend: OrtBackend, names = { ids: 'input_ids', mask: 'attention_mask', logits: 'logits' }): Promise<ClassifierSession> {
  const session = await createOrtSession(bytes, backend);
  return {
    backend,
    async run(ids, mask, rows, maxLength) {
      const out = await session.run({
        [names.ids]: { type: 'int64', data: ids, dims: [rows, maxLength] },
        [names.mask]: { type: 'int64', data: mask, dims: [rows, maxLength] },
      });
      return out[names.logits]!.data as Float32Array;
    },
    release: () => session.release(),
  };
}

export function toInt64(a: ArrayLike<number>): BigInt64Array {
  const out = new BigInt64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = BigInt(a[i]!);
  return out;
}
