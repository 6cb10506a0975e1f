export * from './compressOptions';
export * from './compressModel';
export * from './shareConstants';
export * from './tieTransposedWeights';
