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
  const decide = decision(manifest, post);
  return texts.map((_, row) => {
    const scores = activate(Array.prototype.slice.call(logits.data, row * width, (row + 1) * width) as number[], activation);
    return { label: post.labels[decide(scores)]!, scores: Object.fromEntries(post.labels.map((l, i) => [l, scores[i]!])) };
  });
}

/** The index of the answer among the scores: the manifest's threshold label when it reaches its score, else the top score. */
function decision(manifest: Manifest, post: NonNullable<Manifest['postprocess']>): (scores: number[]) => number {
  const threshold = post.threshold;
  if (!threshold) return argmax;
  const at = post.labels.indexOf(threshold.label);
  if (at < 0) throw new PareError('manifest_invalid', `postprocess.threshold.label "${threshold.label}" is not one of the labels of "${manifest.model}/${manifest.variant}" (${post.labels.join(', ')}).`, { status: 500, details: { field: 'postprocess.threshold.label' } });
  return (scores) => {
    if (scores[at]! >= threshold.score) return at;
    let best = at === 0 ? 1 : 0;
    for (let i = 0; i < scores.length; i++) if (i !== at && scores[i]! > scores[best]!) best = i;
    return best;
  };
}
