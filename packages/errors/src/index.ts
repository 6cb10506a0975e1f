export * from './pareError';
