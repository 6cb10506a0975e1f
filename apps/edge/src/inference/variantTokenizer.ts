// The tokenizer a text variant's requests are encoded with. Pare's own kinds travel inside the manifest; a
// Hugging Face `tokenizer.json` is an R2 object beside the model (models/<m>/<v>/tokenizer.json), checked
// against the manifest's sha256 before use and kept parsed in a bounded per-isolate cache. A failure here is
// a VariantLoadError, so the variant is marked unhealthy and a healthy one takes over.
import { PareError } from '@pare/errors';
import { inlineTokenizer, isTextTask, loadHuggingFaceTokenizer, sha256Hex, type HuggingFaceTokenizerSpec, type Manifest, type TextTokenizer } from '@pare/runtime';
import { BoundedLru } from '../cache/boundedLru';
import { variantObjectKey } from '../registry/variantObjects';
import { VariantLoadError, type SessionSource } from './sessionCache';

/** A parsed tokenizer (vocabulary maps, merges) costs several times its JSON. */
const PARSED_BYTES_PER_JSON_BYTE = 4;

const tokenizers = new BoundedLru<string, TextTokenizer>({ maxEntries: 16, maxBytes: 64 * 1024 * 1024 });

export function tokenizerCacheSize(): { tokenizers: number; tokenizerBytes: number } {
  return { tokenizers: tokenizers.size, tokenizerBytes: tokenizers.bytes };
}

/** The manifest's Hugging Face tokenizer, when that is its kind. */
export function huggingFaceSpecOf(manifest: Manifest): HuggingFaceTokenizerSpec | undefined {
  const spec = manifest.preprocess?.tokenizer;
  return spec?.kind === 'huggingface' ? spec : undefined;
}

/** Bytes that must be the manifest's tokenizer.json: same sha256 and size, else a 422 naming which differs. */
export async function checkTokenizerBytes(spec: HuggingFaceTokenizerSpec, bytes: Uint8Array): Promise<void> {
  if (bytes.byteLength !== spec.bytes) throw new PareError('tokenizer_mismatch', `tokenizer.json is ${bytes.byteLength} bytes but the manifest says ${spec.bytes}.`, { status: 422, details: { field: 'tokenizer' } });
  const actual = await sha256Hex(bytes);
  if (actual !== spec.sha256) throw new PareError('tokenizer_mismatch', `tokenizer.json hashes to ${actual} but the manifest says ${spec.sha256}.`, { status: 422, details: { field: 'tokenizer' } });
}

async function loadHuggingFace(bucket: R2Bucket, source: SessionSource, spec: HuggingFaceTokenizerSpec): Promise<TextTokenizer> {
  // The same bytes with other settings (maxLength, truncation, padding) are another tokenizer.
  const cacheKey = JSON.stringify(spec);
  const cached = tokenizers.get(cacheKey);
  if (cached) return cached;
  const key = variantObjectKey(source.model, source.variant, 'tokenizer.json');
  const object = await bucket.get(key);
  if (!object) throw new VariantLoadError(source, `tokenizer.json missing from R2 (${key})`);
  const bytes = new Uint8Array(await object.arrayBuffer());
  try {
    await checkTokenizerBytes(spec, bytes);
  } catch (e) {
    throw new VariantLoadError(source, `stored tokenizer.json does not match the manifest: ${e instanceof Error ? e.message : String(e)}`, e);
  }
  let tokenizer: TextTokenizer;
  try {
    tokenizer = await loadHuggingFaceTokenizer(bytes, spec);
  } catch (cause) {
    throw new VariantLoadError(source, `its tokenizer.json cannot be parsed (${cause instanceof Error ? cause.message : String(cause)})`, cause);
  }
  tokenizers.set(cacheKey, tokenizer, bytes.byteLength * PARSED_BYTES_PER_JSON_BYTE);
  return tokenizer;
}

export async function variantTokenizer(bucket: R2Bucket, source: SessionSource, manifest: Manifest): Promise<TextTokenizer | undefined> {
  if (!isTextTask(manifest.task) || !manifest.preprocess) return undefined;
  const hf = huggingFaceSpecOf(manifest);
  if (hf) return loadHuggingFace(bucket, source, hf);
  try {
    return inlineTokenizer(manifest);
  } catch (cause) {
    throw new VariantLoadError(source, `its tokenizer cannot be built (${cause instanceof Error ? cause.message : String(cause)})`, cause);
  }
}
