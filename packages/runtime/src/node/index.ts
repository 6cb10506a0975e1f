export * from './nodeBackend';
