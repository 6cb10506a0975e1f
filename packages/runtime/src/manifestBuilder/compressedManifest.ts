import type { Model } from '@pare/onnx';
import type { Manifest } from '../manifest';
import { variantManifest } from './variantManifest';

// A compressed variant serves like its source: it keeps the source's task, tokenizer, labels and provenance
// chain (this variant's passes appended), and gets its own hash, sizes and metrics.

export interface CompressedFields {
  variant: string;
  /** The passes that made these bytes from the source's. */
  passes: Array<{ name: string; options: Record<string, unknown> }>;
  metrics?: Record<string, number>;
  /** Defaults to the source's model name. */
  model?: string;
  /** Overrides of the carried provenance (tool, createdAt…); createdAt defaults to now. */
  provenance?: Partial<Manifest['provenance']>;
}

/**
 * With `decoded`, inputs, outputs and parameters are read from the compressed model and must still carry the
 * names the source's preprocess and postprocess use; without it they are the source's.
 */
export async function compressedManifest(source: Manifest, bytes: Uint8Array, fields: CompressedFields, decoded?: Model): Promise<Manifest> {
  const { sha256: _sha256, bytes: _bytes, gzipBytes: _gzip, metrics: _metrics, ...carried } = source;
  return variantManifest(
    bytes,
    {
      ...carried,
      ...(decoded ? { parameters: undefined, inputs: undefined, outputs: undefined } : {}),
      model: fields.model ?? source.model,
      variant: fields.variant,
      provenance: {
        ...source.provenance,
        source: source.variant,
        sourceSha256: source.sha256,
        passes: [...source.provenance.passes, ...fields.passes],
        createdAt: new Date().toISOString(),
        ...fields.provenance,
      },
      metrics: fields.metrics ?? {},
    },
    decoded,
  );
}
