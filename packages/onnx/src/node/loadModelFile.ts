import { readFile, readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { PareError, isPareError } from '@pare/errors';
import { decodeModel, encodeModel, type DecodedModel } from '../codec';
import { inlineExternalData } from './externalData';

export interface LoadedModel extends DecodedModel {
  /**
   * Bytes an inference session can load: the file's own bytes, or, when external data was inlined, the
   * re-encoded self-contained model (a session given bytes cannot find external files).
   */
  bytes: Uint8Array;
  /** External data files that were read into the model (absolute paths); empty for most models. */
  externalFiles: string[];
}

/** protobuf cannot address messages beyond 2 GiB; bigger models must keep their weights in external data. */
const PROTOBUF_LIMIT = 2 ** 31 - 1;

/**
 * Read an ONNX model file with errors a user can act on: missing path, a directory, a file that is not ONNX
 * (saying what it looks like), truncated or corrupt protobuf, and external data that is missing or short.
 */
export async function loadModelFile(file: string): Promise<LoadedModel> {
  const info = await statModel(file);
  if (info.isDirectory()) throw await directoryError(file);
  if (!info.isFile()) throw new PareError('model_not_a_file', `${file} is not a regular file; give the path of a .onnx model file.`);
  if (info.size > PROTOBUF_LIMIT) {
    throw new PareError('onnx_invalid', `${file} is ${info.size} bytes: larger than protobuf's 2 GiB limit, so it cannot be an ONNX model on its own (big models keep weights in external data files).`);
  }
  const buffer = await readFile(file);
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let decoded: DecodedModel;
  try {
    decoded = decodeModel(bytes);
  } catch (e) {
    // The codec does not know the path; say which file the message is about.
    if (isPareError(e)) throw new PareError(e.code, `${file}: ${lowerFirst(e.message)}`, { status: e.status, cause: e, details: e.details });
    throw e;
  }
  const externalFiles = await inlineExternalData(decoded.model, path.dirname(path.resolve(file)));
  return { ...decoded, bytes: externalFiles.length ? encodeModel(decoded.model) : bytes, externalFiles };
}

async function statModel(file: string): Promise<Stats> {
  try {
    return await stat(file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      const hint = await suggestion(file);
      throw new PareError('model_not_found', `No model at ${file}: the file does not exist.${hint}`, { status: 404, cause });
    }
    throw new PareError('model_unreadable', `Cannot read ${file} (${code ?? String(cause)}).`, { cause });
  }
}

/** " Did you mean x.onnx?" when the path lacks the extension and the file with it exists. */
async function suggestion(file: string): Promise<string> {
  if (file.endsWith('.onnx')) return '';
  try {
    if ((await stat(`${file}.onnx`)).isFile()) return ` Did you mean ${file}.onnx?`;
  } catch {
    // No such file either: no suggestion.
  }
  return '';
}

async function directoryError(dir: string): Promise<PareError> {
  const models = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.onnx')).sort();
  const listed = models.length
    ? ` ONNX files in it: ${models.slice(0, 5).map((n) => path.join(dir, n)).join(', ')}${models.length > 5 ? `, and ${models.length - 5} more` : ''}.`
    : ' It holds no .onnx files.';
  return new PareError('model_not_a_file', `${dir} is a directory; give the path of a .onnx model file.${listed}`);
}

function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}
