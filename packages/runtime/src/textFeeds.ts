// Texts → feeds for a text variant, the same rows the edge feeds it (tasks/textBatchFeeds.ts), so `pare eval
// --data` and the edge give a model the same tensors.
import type { Feeds } from './backend/inferenceBackend';
import { inlineTokenizerSpec, type Manifest } from './manifest';
import { textBatchFeeds } from './tasks/textBatchFeeds';
import { hashedNgramTokenizer } from './text/hashedNgramTokenizer';
import { pareTextTokenizer } from './text/pareTextTokenizer';
import type { TextTokenizer } from './text/textTokenizer';

export { feedsFromBatch } from './tasks/textBatchFeeds';

/** The tokenizer a manifest carries inline (Pare's own kinds); a Hugging Face kind needs its tokenizer.json loaded. */
export function inlineTokenizer(manifest: Manifest): TextTokenizer {
  const spec = manifest.preprocess?.tokenizer;
  if (spec?.kind === 'hashed-ngrams') return hashedNgramTokenizer(spec);
  return pareTextTokenizer(inlineTokenizerSpec(manifest));
}

/** Texts → feeds, through `tokenizer` or, by default, the manifest's inline one. */
export function textFeeds(manifest: Manifest, texts: readonly string[], tokenizer: TextTokenizer = inlineTokenizer(manifest)): Feeds {
  return textBatchFeeds(manifest, tokenizer, texts).feeds;
}
