// `{ "text" }` / `{ "texts" }` for text-classification variants: the manifest's tokenizer (packages/runtime's
// textFeeds, which `pare eval --data` uses too) makes the ids, the manifest's labels name the scores.
import { PareError } from '@pare/errors';
import { textFeeds, type InferenceSession, type Manifest } from '@pare/runtime';
import { fromHostTensor } from './tensorCodec';

const MAX_TEXTS_PER_REQUEST = 64;

export interface TextPrediction {
  label: string;
  scores: Record<string, number>;
}

/** The texts of a `{text}` or `{texts}` body, checked. */
export function textsOf(body: Record<string, unknown>): { texts: string[]; single: boolean } {
  if ('text' in body) {
    if (typeof body.text !== 'string') throw new PareError('input_invalid', '"text" must be a string.', { status: 400, details: { field: 'text' } });
    return { texts: [body.text], single: true };
  }
  const texts = body.texts;
  if (!Array.isArray(texts) || texts.length === 0 || texts.some((t) => typeof t !== 'string')) {
    throw new PareError('input_invalid', '"texts" must be a non-empty array of strings.', { status: 400, details: { field: 'texts' } });
  }
  if (texts.length > MAX_TEXTS_PER_REQUEST) throw new PareError('input_invalid', `At most ${MAX_TEXTS_PER_REQUEST} texts per request, got ${texts.length}.`, { status: 400, details: { field: 'texts' } });
  return { texts: texts as string[], single: false };
}

function softmax(row: number[]): number[] {
  const max = Math.max(...row);
  const exps = row.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export async function classifyTexts(manifest: Manifest, session: InferenceSession, texts: string[]): Promise<{ predictions: TextPrediction[]; inferMs: number }> {
  const pre = manifest.preprocess;
  const post = manifest.postprocess;
  if (manifest.task !== 'text-classification' || !pre || !post) {
    throw new PareError('input_invalid', `Variant "${manifest.model}/${manifest.variant}" is not a text model; send { "inputs": { ... } }.`, { status: 400, details: { field: 'text' } });
  }
  const feeds = textFeeds(manifest, texts);
  const started = performance.now();
  const results = await session.run(feeds);
  const inferMs = performance.now() - started;
  const outputName = post.output ?? session.outputs[0]!.name;
  const logits = fromHostTensor(results[outputName]!);
  const width = logits.shape[logits.shape.length - 1] ?? 0;
  if (width !== post.labels.length) {
    throw new PareError('manifest_mismatch', `Output "${outputName}" has ${width} scores per text but the manifest lists ${post.labels.length} labels.`, { status: 500 });
  }
  const predictions = texts.map((_, row) => {
    const raw = logits.data.slice(row * width, (row + 1) * width) as number[];
    const scores = post.softmax ? softmax(raw) : raw;
    let best = 0;
    for (let i = 1; i < width; i++) if (scores[i]! > scores[best]!) best = i;
    return { label: post.labels[best]!, scores: Object.fromEntries(post.labels.map((l, i) => [l, scores[i]!])) };
  });
  return { predictions, inferMs };
}
