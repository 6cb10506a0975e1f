import type { AnyTokenizerSpec, Manifest } from '@pare/runtime';
import { variantManifest } from '@pare/runtime/manifest-builder';
import { LABELS } from '../data/spamAssassin';
import { IDS_INPUT, LOGITS_OUTPUT, MASK_INPUT } from './encoderToOnnx';

export interface ClassifierManifestArgs {
  model: string;
  variant: string;
  bytes: Uint8Array;
  /** Row length of the inputs (a number for the encoder, "length" for the bag, whose rows are any length). */
  config: { maxLength: number | string; numLabels: number };
  tokenizer: AnyTokenizerSpec;
  /** How texts are cleaned before tokenizing, at serving time (preprocess.clean): the model was trained on texts cleaned so. */
  clean?: 'mail';
  labels?: readonly string[];
  /** A decision threshold for the positive label, chosen on validation. */
  threshold?: { label: string; score: number };
  parameters: number;
  metrics: Record<string, number>;
  provenance: { source?: string; sourceSha256?: string; passes?: { name: string; options: Record<string, unknown> }[]; seed: number; datasetChecksum: string };
}

/** The manifest of an exported classifier: the trainer's input/output names, its tokenizer and labels. */
export function classifierManifest(a: ClassifierManifestArgs): Promise<Manifest> {
  return variantManifest(a.bytes, {
    format: 1, model: a.model, variant: a.variant, parameters: a.parameters,
    inputs: [
      { name: IDS_INPUT, dtype: 'int64', shape: ['batch', a.config.maxLength] },
      { name: MASK_INPUT, dtype: 'int64', shape: ['batch', a.config.maxLength] },
    ],
    outputs: [{ name: LOGITS_OUTPUT, dtype: 'float32', shape: ['batch', a.config.numLabels] }],
    task: 'text-classification',
    preprocess: { tokenizer: a.tokenizer, idsInput: IDS_INPUT, maskInput: MASK_INPUT, ...(a.clean ? { clean: a.clean } : {}) },
    postprocess: { labels: [...(a.labels ?? LABELS)], softmax: true, output: LOGITS_OUTPUT, ...(a.threshold ? { threshold: a.threshold } : {}) },
    provenance: {
      source: a.provenance.source, sourceSha256: a.provenance.sourceSha256, passes: a.provenance.passes ?? [],
      tool: 'pare-distill 0.1.0', createdAt: new Date().toISOString(), seed: a.provenance.seed, datasetChecksum: a.provenance.datasetChecksum,
    },
    metrics: a.metrics,
  });
}
