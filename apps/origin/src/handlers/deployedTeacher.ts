import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EdgeClient } from '@pare/clients';
import type { TeacherOnnx } from '@pare/distill';
import { PareError } from '@pare/errors';
import { parseManifest, sha256Hex } from '@pare/runtime';
import type { DeployedVariantRef } from '../jobs/deployedVariantRef';

// A distill job's teacher that is a variant deployed on one of the origin's edges: its record and manifest,
// model bytes and tokenizer.json come through the edge's admin API (@pare/clients' EdgeClient, the client the
// publisher uses, with the same PARE_TOKEN). Files are checked against the manifest's sha256 and kept under it
// in `cacheDir`, so a retried job, or another one with the same teacher, downloads nothing again.

export interface DeployedTeacherOptions {
  /** Folder of downloaded teacher files, named by their sha256. */
  cacheDir: string;
  /** The edge's admin token (default PARE_TOKEN). */
  token?: string;
  signal?: AbortSignal;
  /** Told which files came from the cache and which were downloaded. */
  onFile?: (file: string, from: 'cache' | 'edge') => void;
}

export async function deployedTeacher(ref: DeployedVariantRef, o: DeployedTeacherOptions): Promise<TeacherOnnx> {
  const token = o.token ?? process.env.PARE_TOKEN;
  if (!token) throw new PareError('token_missing', `Reading the teacher ${ref.model}/${ref.variant} from ${ref.edge} needs its admin token: set PARE_TOKEN on the origin.`);
  const client = new EdgeClient({ endpoint: ref.edge, token });
  const record = await client.variant(ref.model, ref.variant, o.signal);
  const manifest = parseManifest(record.manifest);
  if (manifest.sha256 !== record.sha256 || manifest.bytes !== record.bytes) {
    throw new PareError('manifest_mismatch', `The edge's record of ${ref.model}/${ref.variant} (${record.sha256}, ${record.bytes} bytes) disagrees with its manifest (${manifest.sha256}, ${manifest.bytes} bytes).`);
  }
  const fetchFile = async (file: 'model.onnx' | 'tokenizer.json', expected: { sha256: string; bytes: number }): Promise<Uint8Array> => {
    const cached = await cachedFile(o.cacheDir, expected);
    o.onFile?.(file, cached ? 'cache' : 'edge');
    if (cached) return cached;
    const bytes = await client.variantFile(ref.model, ref.variant, file, expected, o.signal);
    await keepFile(o.cacheDir, expected.sha256, bytes);
    return bytes;
  };
  const bytes = await fetchFile('model.onnx', record);
  const tokenizerJson = record.tokenizer ? await fetchFile('tokenizer.json', record.tokenizer) : undefined;
  return { kind: 'onnx', bytes, manifest, ...(tokenizerJson ? { tokenizerJson } : {}) };
}

/** The cached file with this hash; one that no longer hashes to its name is ignored (and replaced). */
async function cachedFile(dir: string, expected: { sha256: string; bytes: number }): Promise<Uint8Array | undefined> {
  const bytes = await readFile(join(dir, expected.sha256)).catch(() => undefined);
  if (!bytes || bytes.byteLength !== expected.bytes) return undefined;
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (await sha256Hex(view)) === expected.sha256 ? view : undefined;
}

async function keepFile(dir: string, sha256: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dir, { recursive: true });
  // Written whole then renamed: a job killed mid-write leaves no half file under a hash.
  const partial = join(dir, `${sha256}.${process.pid}.partial`);
  await writeFile(partial, bytes);
  await rename(partial, join(dir, sha256));
}
