// `pare deploy` without --manifest: a manifest made from the model itself (hash, size, inputs/outputs).
// With --manifest, the file's model/variant names are overridden by the command's --model/--variant.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { summarizeModel, type Model } from '@pare/onnx';
import { parseManifest, type Manifest } from '@pare/runtime';
import { PareError } from '@pare/errors';

export function manifestFromModel(bytes: Uint8Array, model: Model, names: { model: string; variant: string; source: string }): Manifest {
  const summary = summarizeModel(model);
  const spec = (v: { name: string; dtype: string; shape: Array<number | string> | null }) => ({ name: v.name, dtype: v.dtype, shape: v.shape ?? [] });
  return parseManifest({
    model: names.model,
    variant: names.variant,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.byteLength,
    gzipBytes: gzipSync(bytes).byteLength,
    parameters: summary.parameters.count,
    inputs: summary.inputs.map(spec),
    outputs: summary.outputs.map(spec),
    provenance: { source: names.source, passes: [], tool: 'pare 0.1.0', createdAt: new Date().toISOString() },
  });
}

/** A manifest file for these bytes: names set from the command line, hash and size checked here first. */
export function manifestFromFile(json: string, bytes: Uint8Array, names: { model: string; variant: string; file: string }): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    throw new PareError('manifest_invalid', `The manifest "${names.file}" is not valid JSON.`, { cause });
  }
  const manifest = parseManifest({ ...(value as Record<string, unknown>), model: names.model, variant: names.variant });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (manifest.sha256 !== sha256) {
    throw new PareError('sha256_mismatch', `The manifest "${names.file}" says sha256 ${manifest.sha256}, but the model hashes to ${sha256}: it belongs to another model file.`);
  }
  return manifest;
}
