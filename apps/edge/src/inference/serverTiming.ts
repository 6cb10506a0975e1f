// The `server-timing` header of an inference response: where the request's time went inside the isolate, one
// entry per step in the order they run. `init` (onnxruntime-web's wasm start, reported by the request that
// started it) runs while the D1 and R2 reads are in flight (ortStart.ts), so it overlaps `assign` and `fetch`; its
// description splits it into instantiating the module and ORT's first session creation (workerdBackend.ts);
// every other entry is its own span.
// A new session's warm-up runs after the answer has left (warmUpSession.ts) and is in no request's header.
import type { LoadTimings } from './sessionCache';

export interface RequestTimings {
  /** ORT's wasm initialisation, when this request started it. */
  initMs?: number;
  /** The part of initMs spent instantiating the wasm module (the rest is ORT's first session creation). */
  instantiateMs?: number;
  /** The model's deployment (D1, cached for a few seconds) and the variant's assignment. */
  assignMs: number;
  /** A session created for this request: its load steps. */
  load?: LoadTimings;
  tokenizeMs?: number;
  runMs: number;
  /** Signing the request id (x-pare-request-id). */
  receiptMs?: number;
  /** Handing the request's metric events to the queue, which the answer waits for (sendMetricEvent.ts). */
  queueMs?: number;
  totalMs: number;
}

export function serverTimingHeader(t: RequestTimings): string {
  const entry = (name: string, ms: number, desc?: string) => `${name};dur=${ms.toFixed(3)}${desc ? `;desc="${desc}"` : ''}`;
  const load = t.load;
  return [
    ...(t.initMs !== undefined ? [entry('init', t.initMs, `onnxruntime-web wasm start, while the reads are in flight${t.instantiateMs !== undefined ? `: ${t.instantiateMs.toFixed(1)} ms instantiating the module, the rest its first session (mostly V8 compiling wasm code on first use)` : ''}`)] : []),
    entry('assign', t.assignMs),
    ...(load
      ? [entry('fetch', load.fetchMs), entry('verify', load.verifyMs), entry('fold', load.foldMs), ...(load.initWaitMs > 0.0005 ? [entry('initwait', load.initWaitMs, 'waiting for init')] : []), entry('create', load.createMs)]
      : []),
    ...(t.tokenizeMs !== undefined ? [entry('tokenize', t.tokenizeMs)] : []),
    entry('run', t.runMs),
    ...(t.receiptMs !== undefined ? [entry('receipt', t.receiptMs)] : []),
    ...(t.queueMs !== undefined ? [entry('queue', t.queueMs)] : []),
    entry('total', t.totalMs),
  ].join(', ');
}
