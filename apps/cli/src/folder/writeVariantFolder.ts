// A variant folder as `pare compress <folder> -o <out-folder>` writes it: model.onnx and manifest.json (what
// the compression made) beside the source's tokenizer.json and config files, copied unchanged, so the output
// is itself a folder Pare (and transformers) can read.
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PareError } from '@pare/errors';
import type { ModelFolder } from '@pare/runtime/folder';

export const VARIANT_MODEL = 'model.onnx';
export const VARIANT_MANIFEST = 'manifest.json';

/** Make the output folder (refusing to write into the source) and return where the model and manifest go. */
export async function prepareVariantFolder(source: ModelFolder, out: string): Promise<{ model: string; manifest: string }> {
  if (path.resolve(out) === path.resolve(source.dir)) {
    throw new PareError('option_invalid', `-o ${out} is the input folder; give a new folder for the compressed variant.`);
  }
  try {
    await mkdir(out, { recursive: true });
  } catch (cause) {
    throw new PareError('file_unwritable', `Cannot create the output folder ${out}: ${(cause as Error).message}`, { cause });
  }
  return { model: path.join(out, VARIANT_MODEL), manifest: path.join(out, VARIANT_MANIFEST) };
}

/** Copy tokenizer.json and the config files next to the written model. */
export async function copyConfigFiles(source: ModelFolder, out: string): Promise<void> {
  for (const file of source.configFiles) {
    await mkdir(path.dirname(path.join(out, file)), { recursive: true });
    await copyFile(path.join(source.dir, file), path.join(out, file));
  }
}
