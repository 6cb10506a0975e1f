// A manifest file that must describe given model bytes: valid JSON, a valid manifest, the same sha256.
import { PareError } from '@pare/errors';
import { parseManifest, sha256Hex, type Manifest, type ManifestInput } from '@pare/runtime';
import { readTextFile } from './modelFile';

export interface ManifestFileOptions {
  /** How messages name the file ("manifest", "source manifest"). */
  role: string;
  /** Fields set over the file's before it is validated (names given on the command line). */
  overrides?: Partial<ManifestInput>;
}

export async function readManifestFile(file: string, bytes: Uint8Array, o: ManifestFileOptions): Promise<Manifest> {
  const json = await readTextFile(file, o.role);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    throw new PareError('manifest_invalid', `The ${o.role} "${file}" is not valid JSON.`, { cause });
  }
  const manifest = parseManifest({ ...(value as Record<string, unknown>), ...o.overrides });
  const sha256 = await sha256Hex(bytes);
  if (manifest.sha256 !== sha256) {
    throw new PareError('sha256_mismatch', `The ${o.role} "${file}" says sha256 ${manifest.sha256}, but the model hashes to ${sha256}: it belongs to another model file.`, { details: { file } });
  }
  return manifest;
}
