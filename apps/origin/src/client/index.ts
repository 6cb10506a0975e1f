export * from './originClient';
