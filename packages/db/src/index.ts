export * from './schema';
export * from './client';
export * from './registry';
export * from './deployments';
export * from './events';
export * from './stats';
export * from './histogramBuckets';
