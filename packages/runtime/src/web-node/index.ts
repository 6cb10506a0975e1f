// The only module that imports onnxruntime-web for use under Node: the same wasm build the edge runs, so
// fidelity and latency measured here are the edge's. One thread, no proxy worker, as in workerd (FACTS.md).
import * as ort from 'onnxruntime-web';
import { ortBackend, type OrtModule } from '../backend/ortAdapter';
import type { InferenceBackend } from '../backend/inferenceBackend';

ort.env.wasm.numThreads = 1;
ort.env.wasm.proxy = false;
ort.env.logLevel = 'error';

/** onnxruntime-web's wasm build, single-threaded, run under Node. */
export const webNodeBackend: InferenceBackend = ortBackend('onnxruntime-web (wasm)', ort as unknown as OrtModule, {
  executionProviders: ['wasm'],
  graphOptimizationLevel: 'all',
  logSeverityLevel: 3,
});
