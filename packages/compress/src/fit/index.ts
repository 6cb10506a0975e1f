export * from './fitToBudget';
export * from './gzipSize';
export * from './formatBytes';
