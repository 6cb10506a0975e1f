export * from './metrics';
export * from './compareOutputs';
export * from './evaluateFidelity';
export * from './classificationMetrics';
export { measureLatency, type LatencyOptions } from './measureLatency';
