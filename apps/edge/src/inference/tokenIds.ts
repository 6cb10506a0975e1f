// Token ids sent as tensors (OIP or `{ inputs }`) for a model with a vocabulary: an id outside it would make the
// embedding Gather fail inside ORT (a 5xx counted against the variant) or, negative, silently wrap around.
import { PareError } from '@pare/errors';
import type { Feeds, Manifest } from '@pare/runtime';

/** The vocabulary size the manifest states, when its tokenizer travels in it (a hashed one: its buckets). */
function vocabularySize(manifest: Manifest): number | undefined {
  const tokenizer = manifest.preprocess?.tokenizer as { kind?: string; vocab?: unknown; buckets?: unknown } | undefined;
  if (tokenizer?.kind === 'hashed-ngrams' && typeof tokenizer.buckets === 'number') return tokenizer.buckets;
  return Array.isArray(tokenizer?.vocab) ? tokenizer.vocab.length : undefined;
}

/** Refuse (400) ids outside [0, vocabulary size) in the manifest's ids input. */
export function checkTokenIds(manifest: Manifest, feeds: Feeds): void {
  const name = manifest.preprocess?.idsInput;
  const size = vocabularySize(manifest);
  const tensor = name === undefined ? undefined : feeds[name];
  if (!tensor || size === undefined) return;
  const data = tensor.data as ArrayLike<number | bigint>;
  for (let i = 0; i < data.length; i++) {
    const id = Number(data[i]);
    if (!(id >= 0 && id < size)) {
      throw new PareError('input_invalid', `Input "${name}" value #${i} is token id ${id}, outside the model's vocabulary of ${size} ids (0 to ${size - 1}).`, { status: 400, details: { field: name } });
    }
  }
}
