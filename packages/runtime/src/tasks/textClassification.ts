// text-classification: one row of logits per text → the top label and every label's score (softmax, or
// sigmoid for multi-label models), as transformers' text-classification pipeline reports them.
import { PareError } from '@pare/errors';
import type { HostTensor } from '../backend/inferenceBackend';
import type { Manifest } from '../manifest';
import { activate, activationOf, argmax } from './activation';
import { floatOutput } from './outputValues';

export interface TextPrediction {
  label: string;
  scores: Record<string, number>;
}

export function requirePostprocess(manifest: Manifest): NonNullable<Manifest['postprocess']> {
  const post = manifest.postprocess;
  if (!post) throw new PareError('manifest_invalid', `Variant "${manifest.model}/${manifest.variant}" (${manifest.task}) has no postprocess.labels.`, { details: { field: 'postprocess' } });
  return post;
}

export function classifyOutputs(manifest: Manifest, outputs: Record<string, HostTensor>, texts: readonly string[]): TextPrediction[] {
  const post = requirePostprocess(manifest);
  const logits = floatOutput(manifest, outputs, post.output, [2]);
  const width = logits.dims[1] ?? 0;
  if (width !== post.labels.length) {
    throw new PareError('manifest_mismatch', `Output "${logits.name}" has ${width} scores per text but the manifest lists ${post.labels.length} labels.`, { status: 500, details: { field: 'postprocess.labels' } });
  }
  const activation = activationOf(post);
  return texts.map((_, row) => {
    const scores = activate(Array.prototype.slice.call(logits.data, row * width, (row + 1) * width) as number[], activation);
    return { label: post.labels[argmax(scores)]!, scores: Object.fromEntries(post.labels.map((l, i) => [l, scores[i]!])) };
  });
}
