export * from './stableHash';
export * from './assignVariant';
