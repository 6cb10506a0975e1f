// Texts → feeds for a variant whose manifest carries Pare's own tokenizer: the same rows the edge feeds it
// (tasks/textBatchFeeds.ts), so `pare eval --data` and the edge give a model the same tensors.
import type { Feeds } from './backend/inferenceBackend';
import type { Manifest } from './manifest';
import { requirePreprocess, textBatchFeeds } from './tasks/textBatchFeeds';
import { pareTextTokenizer } from './text/pareTextTokenizer';

export function textFeeds(manifest: Manifest, texts: readonly string[]): Feeds {
  return textBatchFeeds(manifest, pareTextTokenizer(requirePreprocess(manifest).tokenizer), texts).feeds;
}
