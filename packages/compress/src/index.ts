export * from './passReport';
