// `pare deploy` without --manifest: a manifest made from the model itself (hash, size, inputs/outputs).
// With --manifest, the file's model/variant names are overridden by the command's --model/--variant.
import type { Model } from '@pare/onnx';
import type { Manifest } from '@pare/runtime';
import { variantManifest } from '@pare/runtime/manifest-builder';
import { readManifestFile } from '../shared/manifestFile';

export function manifestFromModel(bytes: Uint8Array, model: Model, names: { model: string; variant: string; source: string }): Promise<Manifest> {
  return variantManifest(bytes, {
    model: names.model,
    variant: names.variant,
    provenance: { source: names.source, passes: [], tool: 'pare 0.1.0', createdAt: new Date().toISOString() },
  }, model);
}

/** A manifest file for these bytes: names set from the command line, hash and size checked here first. */
export function manifestFromFile(file: string, bytes: Uint8Array, names: { model: string; variant: string }): Promise<Manifest> {
  return readManifestFile(file, bytes, { role: 'manifest', overrides: { model: names.model, variant: names.variant } });
}
