// The decoder LM fixture folders (packages/runtime/scripts/lm_fixtures.py) as the tests read them: the folder,
// its manifest as imported, its tokenizer and the Python model's recorded outputs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readModelFolder, type ModelFolder } from '../../src/folder';
import { parseManifest, type Manifest } from '../../src/manifest';
import { HuggingFaceTokenizer } from '../../src/text/huggingFaceTokenizer';

export const LM_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'lm');
export const LM_MODELS = ['gpt2-sotu', 'llama-sotu'] as const;
export type LmName = (typeof LM_MODELS)[number];

export interface LmExpected {
  maxNewTokens: number;
  greedy: Array<{ prompt: string; promptIds: number[]; ids: number[]; text: string }>;
  scores: Array<{ text: string; ids: number[]; tokens: number; logLikelihood: number; perplexity: number }>;
  lastLogprobs: Array<{ prompt: string; top: Array<{ id: number; logprob: number }> }>;
}

export interface LmFixture {
  folder: ModelFolder;
  manifest: Manifest;
  tokenizer: HuggingFaceTokenizer;
}

/** A manifest for a folder as it stands (hash and size do not matter here). */
export function folderManifestOf(name: string, folder: ModelFolder): Manifest {
  return parseManifest({
    model: name, variant: 'fp32', sha256: '0'.repeat(64), bytes: 1,
    inputs: folder.inputs.map((i) => ({ ...i, shape: i.shape ?? [] })), outputs: folder.outputs.map((o) => ({ ...o, shape: o.shape ?? [] })), ...folder.fields,
  });
}

export async function lmFixture(dir: string): Promise<LmFixture> {
  const folder = await readModelFolder(join(LM_FIXTURES, dir));
  return { folder, manifest: folderManifestOf(dir, folder), tokenizer: new HuggingFaceTokenizer(folder.tokenizer.json, folder.tokenizer.spec) };
}

export function lmExpected(name: LmName): LmExpected {
  return JSON.parse(readFileSync(join(LM_FIXTURES, name, 'expected.json'), 'utf8')) as LmExpected;
}

/** Greedy ids as generate() recorded them, up to (not including) the first end-of-sequence token. */
export function untilEos(ids: readonly number[], eos: readonly number[]): number[] {
  const at = ids.findIndex((id) => eos.includes(id));
  return at < 0 ? [...ids] : ids.slice(0, at);
}
