// The only module that imports onnxruntime-web for use under Node: the same wasm build the edge runs, so
// fidelity and latency measured here are the edge's. One thread, no proxy worker, as in workerd (FACTS.md).
import * as ort from 'onnxruntime-web';
import { ortBackend, type OrtModule } from '../backend/ortAdapter';
import type { InferenceBackend } from '../backend/inferenceBackend';

ort.env.wasm.numThreads = 1;
ort.env.wasm.proxy = false;
ort.env.logLevel = 'error';

export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

/** onnxruntime-web's wasm build, single-threaded, under Node, creating sessions at this graph optimisation level. */
export function webNodeBackendAt(level: GraphOptimizationLevel): InferenceBackend {
  return ortBackend('onnxruntime-web (wasm)', ort as unknown as OrtModule, { executionProviders: ['wasm'], graphOptimizationLevel: level, logSeverityLevel: 3 });
}

/** onnxruntime-web's wasm build, single-threaded, run under Node, at the level the edge uses ('all'). */
export const webNodeBackend: InferenceBackend = webNodeBackendAt('all');
