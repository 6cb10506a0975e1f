// `pare compress <folder> -o <out-folder>`: the folder's model is the input, the output is a variant folder
// (writeVariantFolder.ts), the manifest is always written and starts from the folder's own (folderManifest.ts),
// and fidelity is measured on real texts through the model's tokenizer rather than on generated ids.
import type { Manifest } from '@pare/runtime';
import type { ModelFolder } from '@pare/runtime/folder';
import type { Samples } from '../shared/samples';
import { readModelFolder } from '@pare/runtime/folder';
import { folderManifest } from './folderManifest';
import { isFolder } from './isFolder';
import { textSamples } from './textSamples';
import { copyConfigFiles, prepareVariantFolder } from './writeVariantFolder';

export interface FolderCompressPlan {
  /** The model file to compress and the files to write, in place of the command's arguments. */
  input: string;
  output: string;
  manifest: string;
  sourceManifest: Manifest;
  samples: Samples;
  /** The folder as read (tokenizer, config): what a perplexity target scores texts with. */
  folder: ModelFolder;
  /** Copy the source's tokenizer and config files into the output folder. */
  finish(): Promise<void>;
}

/** A plan when `input` is a folder, undefined for a model file (the command then works as before). */
export async function planFolderCompress(input: string, output: string): Promise<FolderCompressPlan | undefined> {
  if (!isFolder(input)) return undefined;
  const folder = await readModelFolder(input);
  const sourceManifest = await folderManifest(folder);
  const paths = await prepareVariantFolder(folder, output);
  return {
    input: `${input.replace(/\/+$/, '')}/${folder.modelFile}`,
    output: paths.model,
    manifest: paths.manifest,
    sourceManifest,
    samples: textSamples(folder, sourceManifest),
    folder,
    finish: () => copyConfigFiles(folder, output),
  };
}
