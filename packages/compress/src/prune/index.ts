export { pruneMagnitude, DEFAULT_MIN_ELEMENTS, type MagnitudePruneOptions } from './magnitude';
export { pruneStructured, type StructuredPruneOptions } from './structured';
