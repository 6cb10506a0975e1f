import { open, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PareError } from '@pare/errors';
import { encodeModel } from '../codec';
import { allTensors } from '../tensorWalk';
import { isExternal } from '../tensorData';
import type { Model } from '../types';

/**
 * Write a model so that a failure never leaves a half-written file: encode first, write a temporary file in
 * the same folder (same file system, so the rename is atomic), flush it to disk, then rename it over the
 * target. Returns the bytes written.
 */
export async function saveModelFile(file: string, model: Model): Promise<Uint8Array> {
  const external = allTensors(model).find(({ tensor }) => isExternal(tensor));
  if (external) {
    // Relative data-file paths would point nowhere once the model lives in another folder.
    throw new PareError('onnx_external_data', `Cannot save ${file}: tensor "${external.tensor.name}" still refers to external data; load the model with loadModelFile, which inlines it.`);
  }
  const dir = path.dirname(path.resolve(file));
  const dirInfo = await stat(dir).catch(() => undefined);
  if (!dirInfo?.isDirectory()) throw new PareError('model_write_failed', `Cannot save ${file}: the folder ${dir} does not exist.`);
  const bytes = encodeModel(model);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (cause) {
    await rm(temp, { force: true });
    const code = (cause as NodeJS.ErrnoException).code;
    throw new PareError('model_write_failed', `Could not write ${file} (${code ?? (cause instanceof Error ? cause.message : String(cause))}); nothing was written there.`, { cause });
  }
  return bytes;
}
