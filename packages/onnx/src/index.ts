export * from './types';
export * from './codec';
export * from './dataType';
export * from './tensorData';
export * from './graphIndex';
export * from './graphWalk';
export * from './constantsToInitializers';
export * from './graphBuilder';
export { PareError } from '@pare/errors';
