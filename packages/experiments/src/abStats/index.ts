// A/B statistics over fixed-bucket latency histograms and counts: web-standard, no dependencies.
export * from './interval';
export * from './distributions';
export * from './histogram';
export * from './welch';
export * from './proportions';
export * from './prng';
export * from './bootstrapMedian';
export * from './relativeChange';
export * from './sampleSize';
export * from './fixedHorizon';
export * from './format';
export * from './guardrail';
export * from './sampleRatioMismatch';
export * from './unitClusters';
export * from './abReport';
export * from './compareVariants';
export * from './verdict';
