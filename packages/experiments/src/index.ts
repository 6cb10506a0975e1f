export * from './stableHash';
export * from './assignVariant';
export * from './withVariantWeight';
export * from './abStats';
