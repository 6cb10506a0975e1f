// The manifest of a model folder as it stands: Pare's own manifest.json when the folder has one for this model,
// else one made from its config files (task, labels, tokenizer spec, inputs), so that compressing, evaluating
// and deploying a Hugging Face export treat it as a variant like any other.
import path from 'node:path';
import type { Manifest } from '@pare/runtime';
import type { ModelFolder } from '@pare/runtime/folder';
import { variantManifest } from '@pare/runtime/manifest-builder';

/** A name the manifest accepts, from a folder name. */
export function folderModelName(dir: string): string {
  const s = path.basename(path.resolve(dir)).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 64);
  return s || 'model';
}

export async function folderManifest(folder: ModelFolder): Promise<Manifest> {
  if (folder.manifest) return folder.manifest;
  return variantManifest(folder.modelBytes, {
    model: folderModelName(folder.dir),
    variant: 'fp32',
    ...folder.fields,
    provenance: { source: path.basename(path.resolve(folder.dir)), passes: [], tool: 'pare 0.1.0', createdAt: new Date().toISOString() },
  }, folder.model);
}
