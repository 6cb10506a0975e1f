import { inlineTokenizer, textBatchFeeds, type Manifest, type TextTokenizer } from '@pare/runtime';
import { createClassifierSession, type OrtBackend } from './ortRun';

/** Logits of a text classifier over raw texts, fed exactly as the edge feeds it (the manifest's tokenizer and
 * the text task's feeds), in batches. */
export async function textLogits(bytes: Uint8Array, manifest: Manifest, texts: readonly string[], backend: OrtBackend = 'node', batchSize = 64, tokenizer: TextTokenizer = inlineTokenizer(manifest)): Promise<Float32Array> {
  const pre = manifest.preprocess!;
  const k = manifest.postprocess?.labels.length ?? 2;
  const names = { ids: pre.idsInput, mask: pre.maskInput ?? 'attention_mask', logits: manifest.postprocess?.output ?? 'logits' };
  const session = await createClassifierSession(bytes, backend, names);
  const out = new Float32Array(texts.length * k);
  try {
    for (let start = 0; start < texts.length; start += batchSize) {
      const { encoded } = textBatchFeeds(manifest, tokenizer, texts.slice(start, start + batchSize));
      const [rows, length] = encoded.dims;
      out.set(await session.run(encoded.ids, encoded.attentionMask, rows, length), start * k);
    }
  } finally {
    await session.release();
  }
  return out;
}
