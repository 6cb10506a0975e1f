import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { PareError } from '@pare/errors';
import { allTensors } from '../tensorWalk';
import { DataType, byteSize } from '../dataType';
import { elementCount, isExternal } from '../tensorData';
import type { Model, Tensor } from '../types';

/** Bits per element of the packed sub-byte types, which byteSize reports as 0. */
const SUB_BYTE_BITS: Record<number, number> = {
  [DataType.INT4]: 4, [DataType.UINT4]: 4, [DataType.FLOAT4E2M1]: 4, [DataType.INT2]: 2, [DataType.UINT2]: 2,
};

/**
 * Read every tensor that keeps its data in an external file (data_location EXTERNAL, `location`/`offset`/
 * `length` entries, location relative to the model's folder) into raw_data, so the model stands alone: passes,
 * encodeModel and in-memory sessions all need the bytes inline. Mutates `model` (fresh from decodeModel);
 * returns the external files read.
 */
export async function inlineExternalData(model: Model, modelDir: string): Promise<string[]> {
  const files = new Map<string, FileHandle>();
  try {
    for (const { tensor, where } of allTensors(model)) {
      if (!isExternal(tensor)) continue;
      const entry = parseEntries(tensor, where);
      const file = resolveLocation(entry.location, modelDir, tensor);
      let handle = files.get(file);
      if (!handle) {
        handle = await openDataFile(file, entry.location, tensor);
        files.set(file, handle);
      }
      tensor.raw_data = await readSpan(handle, file, entry, expectedBytes(tensor), tensor);
      tensor.external_data = [];
      delete tensor.data_location;
    }
  } finally {
    await Promise.all([...files.values()].map((h) => h.close()));
  }
  return [...files.keys()];
}

interface ExternalEntry { location: string; offset: number; length: number | undefined }

function parseEntries(tensor: Tensor, where: string): ExternalEntry {
  const get = (key: string): string | undefined => tensor.external_data.find((e) => e.key === key)?.value;
  const location = get('location');
  if (!location) {
    throw new PareError('onnx_external_data', `Tensor "${tensor.name}" (${where}) is marked as external data but names no "location" file.`);
  }
  const number = (key: string): number | undefined => {
    const raw = get(key);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new PareError('onnx_external_data', `Tensor "${tensor.name}" has external data ${key} "${raw}", which is not a byte count.`);
    }
    return n;
  };
  return { location, offset: number('offset') ?? 0, length: number('length') };
}

/** Same rule as onnx's checker: the data file must sit inside the model's folder (no absolute paths, no ".."). */
function resolveLocation(location: string, modelDir: string, tensor: Tensor): string {
  const dir = path.resolve(modelDir);
  const file = path.resolve(dir, location);
  if (path.isAbsolute(location) || !file.startsWith(dir + path.sep)) {
    throw new PareError(
      'onnx_external_data',
      `Tensor "${tensor.name}" points at external data "${location}" outside the model's folder; only paths relative to ${dir} are followed.`,
    );
  }
  return file;
}

async function openDataFile(file: string, location: string, tensor: Tensor): Promise<FileHandle> {
  try {
    return await open(file, 'r');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'which does not exist' : code === 'EISDIR' ? 'which is a directory' : `which cannot be read (${code})`;
    throw new PareError(
      'onnx_external_data',
      `Tensor "${tensor.name}" keeps its data in the external file "${location}" (${file}), ${why}. Copy the model together with its data files.`,
      { cause, details: { tensor: tensor.name, file } },
    );
  }
}

/** Bytes the tensor's shape and type need, or undefined when the type has no fixed size (strings). */
function expectedBytes(tensor: Tensor): number | undefined {
  const count = elementCount(tensor.dims);
  const size = byteSize(tensor.data_type);
  if (size > 0) return count * size;
  const bits = SUB_BYTE_BITS[tensor.data_type ?? 0];
  return bits ? Math.ceil((count * bits) / 8) : undefined;
}

async function readSpan(handle: FileHandle, file: string, entry: ExternalEntry, expected: number | undefined, tensor: Tensor): Promise<Uint8Array> {
  if (entry.length !== undefined && expected !== undefined && entry.length !== expected) {
    throw new PareError(
      'onnx_external_data',
      `Tensor "${tensor.name}" declares ${entry.length} bytes of external data in "${entry.location}", but its shape [${tensor.dims}] needs ${expected}.`,
    );
  }
  const { size } = await handle.stat();
  const length = entry.length ?? expected ?? Math.max(0, size - entry.offset);
  const buffer = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buffer, got, length - got, entry.offset + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  if (got < length) {
    throw new PareError(
      'onnx_external_data',
      `Tensor "${tensor.name}" needs ${length} bytes at offset ${entry.offset} of "${entry.location}" (${file}), but the file ends after ${got} of them (${size} bytes in all): the data file is truncated or belongs to another model.`,
      { details: { tensor: tensor.name, file } },
    );
  }
  return buffer;
}
