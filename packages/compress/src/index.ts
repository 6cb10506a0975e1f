export * from './passReport';
export * from './prune/index';
export * from './quantize/index';
export * from './calibrate/index';
