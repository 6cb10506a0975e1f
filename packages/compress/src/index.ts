export * from './passReport';
export * from './prune/index';
