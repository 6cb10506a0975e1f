export * from './readModelFolder';
export { CONFIG_FILES, MODEL_PATHS } from './folderFiles';
