export * from './errorCodes';
export * from './pareError';
