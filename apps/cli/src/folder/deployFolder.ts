// A folder as `pare deploy <folder>` uploads it: a Hugging Face export or a folder `pare compress` wrote (read by
// readModelFolder: config files, tokenizer.json, its manifest.json when it has one), or a bare variant folder of
// model.onnx (or onnx/model.onnx) and manifest.json. Names come from the command line; tokenizer.json goes up
// when the manifest's tokenizer is a Hugging Face one.
import fs from 'node:fs/promises';
import path from 'node:path';
import { PareError } from '@pare/errors';
import { parseManifest, sha256Hex, type Manifest } from '@pare/runtime';
import { MODEL_PATHS, readModelFolder } from '@pare/runtime/folder';
import { readModelFile } from '../shared/modelFile';
import { manifestFromFile } from '../edge/variantManifestFor';
import { folderManifest } from './folderManifest';

export interface VariantUploadParts {
  bytes: Uint8Array;
  manifest: Manifest;
  tokenizer?: Uint8Array;
}

interface DeployNames {
  model: string;
  variant: string;
  /** --manifest: a manifest file that replaces the folder's. */
  manifest?: string;
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}

async function bareFolder(dir: string, names: DeployNames): Promise<VariantUploadParts> {
  const found = (await Promise.all(MODEL_PATHS.map((p) => exists(path.join(dir, p))))).findIndex(Boolean);
  if (found < 0) throw new PareError('file_not_found', `The folder "${dir}" has no ${MODEL_PATHS.join(' (nor ')}).`, { details: { file: dir } });
  const { bytes } = await readModelFile(path.join(dir, MODEL_PATHS[found]!));
  const manifestPath = names.manifest ?? path.join(dir, 'manifest.json');
  if (!(await exists(manifestPath))) {
    throw new PareError('manifest_missing', `The folder "${dir}" has no manifest.json nor config.json: write one with \`pare compress\` (or pass --manifest).`, { details: { file: manifestPath } });
  }
  const manifest = await manifestFromFile(manifestPath, bytes, names);
  const tokenizer = await tokenizerBeside(dir, manifest);
  return { bytes, manifest, ...(tokenizer ? { tokenizer } : {}) };
}

/**
 * tokenizer.json from `dir` when the manifest's tokenizer is a Hugging Face one (a student distilled over its
 * teacher's tokens names the teacher's), checked against the manifest's sha256; undefined for other tokenizers.
 */
export async function tokenizerBeside(dir: string, manifest: Manifest): Promise<Uint8Array | undefined> {
  const spec = manifest.preprocess?.tokenizer;
  if (spec?.kind !== 'huggingface') return undefined;
  const file = path.join(dir, 'tokenizer.json');
  const bytes = await fs.readFile(file).catch(() => undefined);
  if (!bytes) throw new PareError('file_not_found', `The manifest's tokenizer is a Hugging Face tokenizer.json (sha256 ${spec.sha256.slice(0, 12)}…) and ${file} does not exist: put it beside the model.`, { details: { file } });
  const sha256 = await sha256Hex(new Uint8Array(bytes));
  if (sha256 !== spec.sha256) throw new PareError('manifest_mismatch', `${file} has sha256 ${sha256.slice(0, 12)}…, not the ${spec.sha256.slice(0, 12)}… its manifest names: it is another tokenizer.`, { details: { file } });
  return new Uint8Array(bytes);
}

export async function readDeployFolder(dir: string, names: DeployNames): Promise<VariantUploadParts> {
  if (!(await exists(path.join(dir, 'config.json')))) return bareFolder(dir, names);
  const folder = await readModelFolder(dir);
  const own = names.manifest ? await manifestFromFile(names.manifest, folder.modelBytes, names) : await folderManifest(folder);
  const manifest = parseManifest({ ...own, model: names.model, variant: names.variant });
  return { bytes: folder.modelBytes, manifest, ...(manifest.preprocess?.tokenizer.kind === 'huggingface' ? { tokenizer: folder.tokenizer.bytes } : {}) };
}
