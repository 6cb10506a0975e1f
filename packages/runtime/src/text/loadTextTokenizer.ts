// The TextTokenizer of a variant, whichever kind its manifest names: Pare's own is inline in the manifest, a
// Hugging Face one comes from the variant's tokenizer.json (R2 object or folder file), checked against its sha256.
import { PareError } from '@pare/errors';
import type { Manifest } from '../manifest';
import { inlineTokenizer } from '../textFeeds';
import { loadHuggingFaceTokenizer } from './huggingFaceTokenizer';
import type { TextTokenizer } from './textTokenizer';

export async function loadTextTokenizer(manifest: Manifest, tokenizerJson?: Uint8Array): Promise<TextTokenizer> {
  const spec = manifest.preprocess?.tokenizer;
  if (spec?.kind !== 'huggingface') return inlineTokenizer(manifest);
  if (!tokenizerJson) {
    throw new PareError('tokenizer_invalid', `Variant "${manifest.model}/${manifest.variant}" tokenizes with a tokenizer.json (sha256 ${spec.sha256.slice(0, 12)}…), which was not given.`, { details: { field: 'preprocess.tokenizer' } });
  }
  return loadHuggingFaceTokenizer(tokenizerJson, spec);
}
