import { summarizeModel, type Model, type ValueSummary } from '@pare/onnx';
import { gzipSize } from '../bytes/gzipSize';
import { sha256Hex } from '../bytes/sha256Hex';
import { parseManifest, type Manifest, type ManifestInput, type TensorSpec } from '../manifest';
import { checkManifestIo } from './checkManifestIo';

// The one way a producer (CLI, origin jobs, distillation, dev seed, fixtures) makes a variant manifest: the
// bytes give sha256, size and gzip size; the decoded model, when given, gives inputs, outputs and parameters.

/** A manifest less what the bytes determine; inputs and outputs may be left to the decoded model. */
export type VariantFields = Omit<ManifestInput, 'sha256' | 'bytes' | 'gzipBytes' | 'inputs' | 'outputs'> & Partial<Pick<ManifestInput, 'inputs' | 'outputs'>>;

export async function variantManifest(bytes: Uint8Array, fields: VariantFields, decoded?: Model): Promise<Manifest> {
  const summary = decoded ? summarizeModel(decoded) : undefined;
  const manifest = parseManifest({
    ...fields,
    sha256: await sha256Hex(bytes),
    bytes: bytes.byteLength,
    gzipBytes: await gzipSize(bytes),
    parameters: fields.parameters ?? summary?.parameters.count,
    inputs: fields.inputs ?? summary?.inputs.map(tensorSpec),
    outputs: fields.outputs ?? summary?.outputs.map(tensorSpec),
  });
  checkManifestIo(manifest);
  return manifest;
}

function tensorSpec(v: ValueSummary): TensorSpec {
  return { name: v.name, dtype: v.dtype, shape: v.shape ?? [] };
}
