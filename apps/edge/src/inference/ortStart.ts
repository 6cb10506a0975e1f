// When a cold isolate starts onnxruntime-web's wasm: on its first inference request, one macrotask after the
// request began, so that the request's D1 read has been sent before the start's synchronous work (instantiating
// the module, ORT's own init) holds the thread; the read then travels while ORT starts. A session creation that
// comes first starts it itself (startWorkerdBackend is idempotent).
import { startWorkerdBackend, workerdBackendState } from '@pare/runtime/workerd';

let scheduled = false;

export interface OrtStart {
  /** The milliseconds ORT's start took, when this request scheduled it (and it is done). */
  initMs(): number | undefined;
  /** The part of them spent instantiating the wasm module (the rest: ORT's first session creation). */
  instantiateMs(): number | undefined;
}

export function scheduleOrtStart(): OrtStart {
  if (scheduled || workerdBackendState().started) return { initMs: () => undefined, instantiateMs: () => undefined };
  scheduled = true;
  setTimeout(() => {
    // A failed start is retried by the next session creation, which reports it.
    startWorkerdBackend().ready.catch(() => {
      scheduled = false;
    });
  }, 0);
  return { initMs: () => workerdBackendState().ms, instantiateMs: () => workerdBackendState().instantiateMs };
}
