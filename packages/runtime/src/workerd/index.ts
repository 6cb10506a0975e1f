export * from './workerdBackend';
