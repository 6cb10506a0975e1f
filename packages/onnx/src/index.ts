export * from './types';
export * from './codec';
export { PareError } from '@pare/errors';
