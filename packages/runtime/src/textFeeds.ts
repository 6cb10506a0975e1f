// Texts → feeds for a text variant: a TextTokenizer makes an EncodedBatch and the manifest says which input gets
// what (ids, attention mask, token_type_ids, position_ids), each in the element type the input declares (int32
// where the manifest says so, int64 otherwise). The edge and `pare eval --data` both call this, so a model sees
// the same tensors in both.
import { PareError } from '@pare/errors';
import type { Feeds, HostTensor } from './backend/inferenceBackend';
import { inlineTokenizerSpec, type Manifest } from './manifest';
import { pareTextTokenizer } from './text/pareTextTokenizer';
import type { EncodedBatch, TextTokenizer } from './text/textTokenizer';

function preprocessOf(manifest: Manifest): NonNullable<Manifest['preprocess']> {
  const pre = manifest.preprocess;
  if (!pre) {
    throw new PareError('manifest_invalid', `Variant "${manifest.model}/${manifest.variant}" has no preprocess.tokenizer, so texts cannot be encoded.`, { details: { field: 'preprocess' } });
  }
  return pre;
}

/** The feeds of an encoded batch, named and typed as the manifest's inputs say. */
export function feedsFromBatch(manifest: Manifest, batch: EncodedBatch): Feeds {
  const pre = preprocessOf(manifest);
  const [rows, length] = batch.dims;
  const tensor = (name: string, data: BigInt64Array): HostTensor => {
    const dtype = manifest.inputs.find((i) => i.name === name)?.dtype;
    return dtype === 'int32' ? { type: 'int32', dims: batch.dims, data: Int32Array.from(data, (v) => Number(v)) } : { type: 'int64', dims: batch.dims, data };
  };
  const feeds: Feeds = { [pre.idsInput]: tensor(pre.idsInput, batch.ids) };
  if (pre.maskInput) feeds[pre.maskInput] = tensor(pre.maskInput, batch.attentionMask);
  if (pre.typeIdsInput) feeds[pre.typeIdsInput] = tensor(pre.typeIdsInput, batch.typeIds);
  if (pre.positionIdsInput) {
    const positions = new BigInt64Array(rows * length);
    for (let r = 0; r < rows; r++) for (let j = 0; j < length; j++) positions[r * length + j] = BigInt(j);
    feeds[pre.positionIdsInput] = tensor(pre.positionIdsInput, positions);
  }
  return feeds;
}

/** The tokenizer a manifest carries inline (Pare's own kind); a Hugging Face kind needs its tokenizer.json loaded. */
export function inlineTokenizer(manifest: Manifest): TextTokenizer {
  return pareTextTokenizer(inlineTokenizerSpec(manifest));
}

/** Texts → feeds, through `tokenizer` or, by default, the manifest's inline one. */
export function textFeeds(manifest: Manifest, texts: readonly string[], tokenizer: TextTokenizer = inlineTokenizer(manifest)): Feeds {
  return feedsFromBatch(manifest, tokenizer.encode(texts));
}
