export * from './fitToBudget';
export * from './formatBytes';
