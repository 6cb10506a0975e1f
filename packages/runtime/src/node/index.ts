export * from './nodeBackend';
export * from './nodeInt8ProductsSaturate';
