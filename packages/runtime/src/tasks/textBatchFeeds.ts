// Texts → feeds for every text task: the tokenizer encodes the batch, rows are padded to the longest text
// when the model takes any length and masks its padding (else to the model's static length, or the
// tokenizer's maxLength), and each text input the manifest names is filled in the dtype it declares. Texts are
// cleaned first when the manifest says how (preprocess.clean), so every caller feeds a variant the same rows.
import { PareError } from '@pare/errors';
import type { Feeds, HostTensor } from '../backend/inferenceBackend';
import type { Manifest } from '../manifest';
import { filterText } from '../text/mail/mailText';
import type { EncodedBatch, EncodeOptions, TextTokenizer } from '../text/textTokenizer';

export interface TaskFeeds {
  feeds: Feeds;
  /** The rows as fed (after any widening): post-processing reads its mask, offsets and words. */
  encoded: EncodedBatch;
  /** The texts as tokenized (cleaned when the manifest says so): offsets point into these. */
  texts: readonly string[];
}

/** The texts as the variant reads them: cleaned as its manifest's preprocess.clean says, else as given. */
export function cleanTexts(manifest: Manifest, texts: readonly string[]): readonly string[] {
  return manifest.preprocess?.clean === 'mail' ? texts.map((t) => filterText(t)) : texts;
}

export function requirePreprocess(manifest: Manifest): NonNullable<Manifest['preprocess']> {
  const pre = manifest.preprocess;
  if (!pre) {
    throw new PareError('manifest_invalid', `Variant "${manifest.model}/${manifest.variant}" has no preprocess.tokenizer, so texts cannot be encoded.`, { details: { field: 'preprocess' } });
  }
  return pre;
}

/** The row length the model needs: its ids input's static length, else the tokenizer's when nothing masks padding. */
function requiredLength(manifest: Manifest, tokenizer: TextTokenizer): number | undefined {
  const pre = requirePreprocess(manifest);
  const dim = manifest.inputs.find((i) => i.name === pre.idsInput)?.shape[1];
  if (typeof dim === 'number' && dim > 0) return dim;
  // Without a mask the pad tokens are seen by the model: keep the length it was made with.
  return pre.maskInput === undefined ? tokenizer.maxLength : undefined;
}

/** The batch with every row padded (pad id, mask 0, no offsets) to `length`. */
function widen(encoded: EncodedBatch, length: number, padId: number): EncodedBatch {
  const [batch, from] = encoded.dims;
  const grow = (data: BigInt64Array, fill: bigint): BigInt64Array => {
    const out = new BigInt64Array(batch * length).fill(fill);
    for (let row = 0; row < batch; row++) out.set(data.subarray(row * from, (row + 1) * from), row * length);
    return out;
  };
  const pad = <T>(rows: T[][], value: () => T): T[][] => rows.map((r) => [...r, ...Array.from({ length: length - r.length }, value)]);
  return {
    ids: grow(encoded.ids, BigInt(padId)),
    attentionMask: grow(encoded.attentionMask, 0n),
    typeIds: grow(encoded.typeIds, 0n),
    dims: [batch, length],
    offsets: pad(encoded.offsets, (): [number, number] => [0, 0]),
    wordIds: pad(encoded.wordIds, () => null),
    truncated: encoded.truncated,
  };
}

/** The feeds of an encoded batch, named and typed as the manifest's inputs say. */
export function feedsFromBatch(manifest: Manifest, encoded: EncodedBatch): Feeds {
  const pre = requirePreprocess(manifest);
  const tensor = (name: string, data: BigInt64Array): HostTensor => {
    const dtype = manifest.inputs.find((i) => i.name === name)?.dtype;
    return dtype === 'int32' ? { type: 'int32', dims: encoded.dims, data: Int32Array.from(data, (v) => Number(v)) } : { type: 'int64', dims: encoded.dims, data };
  };
  const feeds: Feeds = { [pre.idsInput]: tensor(pre.idsInput, encoded.ids) };
  if (pre.maskInput) feeds[pre.maskInput] = tensor(pre.maskInput, encoded.attentionMask);
  if (pre.typeIdsInput) feeds[pre.typeIdsInput] = tensor(pre.typeIdsInput, encoded.typeIds);
  if (pre.positionIdsInput) {
    const [batch, length] = encoded.dims;
    const positions = new BigInt64Array(batch * length);
    for (let i = 0; i < positions.length; i++) positions[i] = BigInt(i % length);
    feeds[pre.positionIdsInput] = tensor(pre.positionIdsInput, positions);
  }
  return feeds;
}

export function textBatchFeeds(manifest: Manifest, tokenizer: TextTokenizer, texts: readonly string[], options?: EncodeOptions): TaskFeeds {
  const pre = requirePreprocess(manifest);
  const cleaned = cleanTexts(manifest, texts);
  let encoded = tokenizer.encode(cleaned, options);
  const length = requiredLength(manifest, tokenizer);
  if (length !== undefined && encoded.dims[1] > length) {
    throw new PareError('manifest_mismatch', `The tokenizer made rows of ${encoded.dims[1]} tokens but input "${pre.idsInput}" takes ${length}.`, { status: 500 });
  }
  if (length !== undefined && encoded.dims[1] < length) encoded = widen(encoded, length, tokenizer.padId ?? 0);
  return { feeds: feedsFromBatch(manifest, encoded), encoded, texts: cleaned };
}
