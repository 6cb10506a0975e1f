import { statSync } from 'node:fs';

/** Whether a command's path argument names a folder (a Hugging Face export or a variant folder). */
export function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
