// A variant on disk as `pare deploy <folder>` reads it: model.onnx (or onnx/model.onnx, as Hugging Face
// exports lay it out), manifest.json, and tokenizer.json when the manifest's tokenizer is a Hugging Face one.
import fs from 'node:fs/promises';
import path from 'node:path';
import { PareError } from '@pare/errors';
import type { Manifest } from '@pare/runtime';
import { readModelFile } from '../shared/modelFile';
import { manifestFromFile } from './variantManifestFor';

export interface VariantFolder {
  bytes: Uint8Array;
  manifest: Manifest;
  tokenizer?: Uint8Array;
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}

export async function isFolder(file: string): Promise<boolean> {
  return (await fs.stat(file).catch(() => undefined))?.isDirectory() ?? false;
}

export async function readVariantFolder(dir: string, names: { model: string; variant: string; manifest?: string }): Promise<VariantFolder> {
  const candidates = [path.join(dir, 'model.onnx'), path.join(dir, 'onnx', 'model.onnx')];
  const modelFile = (await Promise.all(candidates.map(exists))).findIndex(Boolean);
  if (modelFile < 0) throw new PareError('file_not_found', `The folder "${dir}" has no model.onnx (nor onnx/model.onnx).`, { details: { file: dir } });
  const { bytes } = await readModelFile(candidates[modelFile]!);
  const manifestPath = names.manifest ?? path.join(dir, 'manifest.json');
  if (!(await exists(manifestPath))) {
    throw new PareError('manifest_missing', `The folder "${dir}" has no manifest.json: write one with \`pare compress\` (or pass --manifest).`, { details: { file: manifestPath } });
  }
  const manifest = await manifestFromFile(manifestPath, bytes, names);
  const spec: { kind: string } | undefined = manifest.preprocess?.tokenizer;
  if (spec?.kind !== 'huggingface') return { bytes, manifest };
  const tokenizerPath = path.join(dir, 'tokenizer.json');
  if (!(await exists(tokenizerPath))) throw new PareError('file_not_found', `The manifest names a Hugging Face tokenizer but "${tokenizerPath}" is missing.`, { details: { file: tokenizerPath } });
  return { bytes, manifest, tokenizer: new Uint8Array(await fs.readFile(tokenizerPath)) };
}
