// The manifest of the model being compressed (--source-manifest, or manifest.json beside it): the compressed
// variant's manifest inherits its task, tokenizer, labels and provenance, so it serves texts as its source does.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PareError } from '@pare/errors';
import type { Manifest } from '@pare/runtime';
import { readManifestFile } from '../shared/manifestFile';

export async function findSourceManifest(input: string, sourceBytes: Uint8Array, explicit: string | undefined): Promise<Manifest | undefined> {
  if (explicit !== undefined) return readManifestFile(explicit, sourceBytes, { role: 'source manifest' });
  const beside = path.join(path.dirname(input), 'manifest.json');
  if (!existsSync(beside)) return undefined;
  try {
    return await readManifestFile(beside, sourceBytes, { role: 'source manifest' });
  } catch (e) {
    // A manifest.json that is not this model's is someone else's file, not an error; an explicit one is.
    if (e instanceof PareError && e.code === 'sha256_mismatch') {
      process.stderr.write(`pare: warning: ${e.message} It is ignored; pass --source-manifest <file> to carry a manifest over.\n`);
      return undefined;
    }
    throw e;
  }
}
