export * from './manifest';
export * from './tokenizer';
export * from './textFeeds';
export * from './backend/inferenceBackend';
export * from './inputs/seededRandom';
export * from './inputs/hostTensor';
export * from './inputs/generateInputs';
export * from './inputs/inputsFile';
