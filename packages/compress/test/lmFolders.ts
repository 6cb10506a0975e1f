// Test helper: the decoder LM fixtures (packages/runtime/test/fixtures/lm) imported as `pare` imports a folder,
// and a model's corpus perplexity on held-out texts in one runtime. Not exported from the package.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { corpusPerplexity, HuggingFaceTokenizer, type InferenceBackend, type Manifest } from '@pare/runtime';
import { readModelFolder, type ModelFolder } from '@pare/runtime/folder';
import { variantManifest } from '@pare/runtime/manifest-builder';

const LM_DIR = path.resolve(import.meta.dirname, '../../runtime/test/fixtures/lm');

export interface Lm { folder: ModelFolder; manifest: Manifest; tokenizer: HuggingFaceTokenizer }

export async function loadLm(name: 'gpt2-sotu' | 'llama-sotu'): Promise<Lm> {
  const folder = await readModelFolder(path.join(LM_DIR, name));
  const manifest = await variantManifest(folder.modelBytes, { model: name, variant: 'fp32', ...folder.fields }, folder.model);
  return { folder, manifest, tokenizer: new HuggingFaceTokenizer(folder.tokenizer.json, folder.tokenizer.spec) };
}

/** The first `count` held-out texts of the fixtures' texts.jsonl. */
export function heldOutTexts(count: number): string[] {
  return readFileSync(path.join(LM_DIR, 'texts.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, count).map((l) => (JSON.parse(l) as { text: string }).text);
}

export async function perplexityOf(backend: InferenceBackend, lm: Lm, bytes: Uint8Array, texts: readonly string[]): Promise<number> {
  const session = await backend.createSession(bytes);
  try {
    return (await corpusPerplexity(lm.manifest, lm.tokenizer, session, texts)).perplexity;
  } finally {
    await session.release();
  }
}
