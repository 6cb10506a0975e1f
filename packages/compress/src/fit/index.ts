export * from './fitToBudget';
export * from './fitCandidates';
export * from './fitRanking';
export * from './mixedPrecision';
export * from './formatBytes';
export * from './perplexityTarget';
