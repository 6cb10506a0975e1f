// The only module of Pare that imports onnxruntime-node. Node-only: never reachable from the package index.
import * as ort from 'onnxruntime-node';
import { ortBackend, type OrtModule } from '../backend/ortAdapter';
import type { InferenceBackend } from '../backend/inferenceBackend';

/** onnxruntime-node on the CPU execution provider. */
export const nodeBackend: InferenceBackend = ortBackend('onnxruntime-node', ort as unknown as OrtModule, {
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all',
  logSeverityLevel: 3,
});
