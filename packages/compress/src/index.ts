export * from './passReport';
export * from './evaluate/index';
export * from './fit/index';
export * from './pipeline/index';
export * from './prune/index';
