// Reading and writing model files for the commands. Reading goes through @pare/onnx/node (clear errors,
// external data). Writes go to a temporary file in the same folder and
// are renamed when complete, so a failure (or Ctrl-C) never leaves a half-written model behind.
import fs from 'node:fs/promises';
import path from 'node:path';
import { PareError, isPareError } from '@pare/errors';
import type { Model } from '@pare/onnx';
import { loadModelFile } from '@pare/onnx/node';

/** Read a model (external data inlined) with errors that say which of the command's models is at fault. */
export async function readModelFile(file: string, role = 'model'): Promise<{ bytes: Uint8Array; model: Model }> {
  try {
    const loaded = await loadModelFile(file);
    return { bytes: loaded.bytes, model: loaded.model };
  } catch (e) {
    if (isPareError(e)) throw new PareError(e.code, `The ${role}: ${e.message}`, { status: e.status, cause: e, details: e.details });
    throw e;
  }
}

export async function readTextFile(file: string, role: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PareError('file_unreadable', `Cannot read the ${role} "${file}": ${code === 'ENOENT' ? 'no such file' : (e as Error).message}.`, { cause: e });
  }
}

/** Fail before any work is done when an output's folder is missing. */
export async function checkOutputPath(file: string): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  try {
    await fs.access(dir);
  } catch (e) {
    throw new PareError('file_unwritable', `Cannot write "${file}": the folder ${dir} does not exist.`, { cause: e });
  }
}

/** Write bytes to `file` atomically (temp file + rename in the same folder). */
export async function writeFileAtomic(file: string, bytes: Uint8Array | string): Promise<void> {
  await checkOutputPath(file);
  const dir = path.dirname(path.resolve(file));
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await fs.writeFile(temp, bytes);
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw new PareError('file_unwritable', `Cannot write "${file}": ${(e as Error).message}`, { cause: e });
  }
}

/** The same file (or folder) under two spellings: "./m.onnx", "m.onnx", a symlink to it. */
async function samePath(a: string, b: string): Promise<boolean> {
  const real = async (p: string): Promise<string> => fs.realpath(p).catch(() => path.resolve(p));
  return (await real(a)) === (await real(b));
}

/** Refuse `-o` that names the input itself: a failed or lossy run would leave no original to go back to. */
export async function refuseOverwritingInput(input: string, output: string): Promise<void> {
  if (await samePath(input, output)) {
    throw new PareError('option_invalid', `-o/--output is the input "${input}" itself; write the compressed model elsewhere (e.g. -o ${suggestOutput(input)}).`, { details: { usage: true } });
  }
}

function suggestOutput(input: string): string {
  const trimmed = input.replace(/\/+$/, '');
  return /\.onnx$/i.test(trimmed) ? trimmed.replace(/\.onnx$/i, '.int8.onnx') : `${trimmed}-int8`;
}
