export * from './passReport';
export * from './evaluate/index';
export * from './fit/index';
export * from './pipeline/index';
export * from './prune/index';
export * from './quantize/index';
export * from './calibrate/index';
// Both the calibration module and the pipeline name this type (the same type); the explicit export settles it.
export type { ActivationRanges } from './calibrate/index';
