export * from './decoderSteps';
export * from './tokenSampler';
export * from './logProbs';
export * from './generateTokens';
export * from './sequenceScore';
export * from './nextTokens';
export * from './corpusPerplexity';
