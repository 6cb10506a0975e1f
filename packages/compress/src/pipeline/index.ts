export * from './compressOptions';
export * from './compressModel';
