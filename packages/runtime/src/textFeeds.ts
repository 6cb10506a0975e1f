// Texts → feeds for a text-classification variant: the manifest's tokenizer makes the ids (and the attention
// mask), stacked [texts, maxLength] in the element type each input declares (int32 where the manifest says so,
// int64 otherwise). The edge and `pare eval --data` both call this, so a model sees the same tensors in both.
import { PareError } from '@pare/errors';
import type { Feeds, HostTensor } from './backend/inferenceBackend';
import type { Manifest } from './manifest';
import { encodeBatch } from './tokenizer';

export function textFeeds(manifest: Manifest, texts: readonly string[]): Feeds {
  const pre = manifest.preprocess;
  if (!pre) {
    throw new PareError('manifest_invalid', `Variant "${manifest.model}/${manifest.variant}" has no preprocess.tokenizer, so texts cannot be encoded.`, { details: { field: 'preprocess' } });
  }
  const batch = encodeBatch(pre.tokenizer, texts);
  const tensor = (name: string, data: BigInt64Array): HostTensor => {
    const dtype = manifest.inputs.find((i) => i.name === name)?.dtype;
    return dtype === 'int32' ? { type: 'int32', dims: batch.dims, data: Int32Array.from(data, (v) => Number(v)) } : { type: 'int64', dims: batch.dims, data };
  };
  const feeds: Feeds = { [pre.idsInput]: tensor(pre.idsInput, batch.ids) };
  if (pre.maskInput) feeds[pre.maskInput] = tensor(pre.maskInput, batch.attentionMask);
  return feeds;
}
