// token-classification: logits [batch, tokens, labels] → entities with [start, end) character offsets into
// each text (from the tokenizer's offsets), aggregated to words and BIO spans as `postprocess.aggregation`
// says (./entityGrouping.ts). A token continues a word when the tokenizer puts it in the same word.
import { PareError } from '@pare/errors';
import type { HostTensor } from '../backend/inferenceBackend';
import type { Manifest } from '../manifest';
import type { EncodedBatch } from '../text/textTokenizer';
import { activate, activationOf } from './activation';
import { entitiesOf, type EntityGroup, type TokenPrediction, type TokenScores } from './entityGrouping';
import { floatOutput } from './outputValues';
import { requirePostprocess } from './textClassification';

export type TokenEntities = Array<TokenPrediction | EntityGroup>;

export function tokenEntities(manifest: Manifest, outputs: Record<string, HostTensor>, encoded: EncodedBatch, texts: readonly string[]): TokenEntities[] {
  const post = requirePostprocess(manifest);
  const logits = floatOutput(manifest, outputs, post.output, [3]);
  const [, tokens, width] = logits.dims as [number, number, number];
  if (width !== post.labels.length) {
    throw new PareError('manifest_mismatch', `Output "${logits.name}" has ${width} scores per token but the manifest lists ${post.labels.length} labels.`, { status: 500, details: { field: 'postprocess.labels' } });
  }
  if (tokens !== encoded.dims[1]) throw new PareError('manifest_mismatch', `Output "${logits.name}" has ${tokens} positions per text but the rows fed had ${encoded.dims[1]}.`, { status: 500 });
  const activation = activationOf(post);
  return texts.map((text, row) => {
    const words = encoded.wordIds[row]!;
    const offsets = encoded.offsets[row]!;
    const scored: TokenScores[] = [];
    let lastWord: number | null = null;
    for (let j = 0; j < tokens; j++) {
      const word = words[j] ?? null;
      // Special and padding tokens belong to no word and are never entities.
      if (word === null || encoded.attentionMask[row * tokens + j] === 0n) continue;
      const at = (row * tokens + j) * width;
      const [start, end] = offsets[j]!;
      scored.push({ index: j, scores: activate(Array.prototype.slice.call(logits.data, at, at + width) as number[], activation), start, end, subword: word === lastWord });
      lastWord = word;
    }
    return entitiesOf(scored, post.labels, post.aggregation ?? 'none', text);
  });
}
