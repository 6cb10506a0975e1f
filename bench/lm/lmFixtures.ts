// The decoder LM fixture folders (packages/runtime/test/fixtures/lm) as the LM bench reads them: each folder
// imported as `pare` imports it (readModelFolder → variantManifest), its tokenizer, the Python record.
import fs from 'node:fs';
import path from 'node:path';
import { HuggingFaceTokenizer, type Manifest } from '@pare/runtime';
import { readModelFolder, type ModelFolder } from '@pare/runtime/folder';
import { variantManifest } from '@pare/runtime/manifest-builder';

export const LM_DIR = path.resolve(import.meta.dirname, '../../packages/runtime/test/fixtures/lm');

export interface LmExpected {
  maxNewTokens: number;
  greedy: Array<{ prompt: string; promptIds: number[]; ids: number[]; text: string }>;
}

export interface LmFolder {
  name: string;
  folder: ModelFolder;
  manifest: Manifest;
  tokenizer: HuggingFaceTokenizer;
}

export async function loadLm(name: string): Promise<LmFolder> {
  const folder = await readModelFolder(path.join(LM_DIR, name));
  const manifest = await variantManifest(folder.modelBytes, { model: name.replace(/[^a-z0-9-]/g, '-'), variant: 'fp32', ...folder.fields }, folder.model);
  return { name, folder, manifest, tokenizer: new HuggingFaceTokenizer(folder.tokenizer.json, folder.tokenizer.spec) };
}

export function lmExpected(name: string): LmExpected {
  return JSON.parse(fs.readFileSync(path.join(LM_DIR, name, 'expected.json'), 'utf8')) as LmExpected;
}

export function heldOutTexts(): string[] {
  return fs.readFileSync(path.join(LM_DIR, 'texts.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : Number.NaN;
}
