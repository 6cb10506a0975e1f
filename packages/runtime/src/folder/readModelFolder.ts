// A Hugging Face export folder (Optimum / transformers.js layout) or a folder `pare compress` wrote, read into
// the parts of a variant manifest: task, labels and activation, pooling, the tokenizer spec (with its sha256)
// and which model input gets which tensor. Whatever Pare could not serve is refused here, naming the file and
// field, so that nothing fails at the first request instead.
import path from 'node:path';
import { decodeModel, summarizeModel, type Model, type ValueSummary } from '@pare/onnx';
import { sha256Hex } from '../bytes/sha256Hex';
import { parseManifest, type Manifest } from '../manifest';
import { CONFIG_FILES, FolderFiles, MODEL_PATHS } from './folderFiles';
import { folderTask, type FolderTask } from './folderTask';
import { folderTokenizer, type FolderTokenizer } from './folderTokenizer';
import { isCacheInput } from './folderGeneration';

/** Model inputs Pare fills from text, by their usual names, and the preprocess field that names each. */
const TEXT_INPUTS = { input_ids: 'idsInput', attention_mask: 'maskInput', token_type_ids: 'typeIdsInput', position_ids: 'positionIdsInput' } as const;
const INTEGER_TYPES = new Set(['int64', 'int32']);

export interface ModelFolder {
  dir: string;
  /** Path of the ONNX graph relative to `dir`. */
  modelFile: string;
  modelBytes: Uint8Array;
  model: Model;
  tokenizer: FolderTokenizer;
  /** The manifest parts read from the folder's config files (or from its manifest.json). */
  fields: FolderTask & { preprocess: NonNullable<Manifest['preprocess']> };
  /** The manifest `pare compress` wrote, when the folder has one for this very model. */
  manifest?: Manifest;
  /** config.json facts shown by `pare inspect`. */
  config: { architectures: string[]; modelType?: string; problemType?: string };
  /** Config files present (relative paths), copied into folders Pare writes. */
  configFiles: string[];
  inputs: ValueSummary[];
  outputs: ValueSummary[];
}

function preprocessOf(files: FolderFiles, modelFile: string, inputs: readonly ValueSummary[], tokenizer: FolderTokenizer): NonNullable<Manifest['preprocess']> {
  const pre: Record<string, string> = {};
  for (const input of inputs) {
    // A decoder's cache inputs are fed from its outputs (folderGeneration.ts), not from text.
    if (isCacheInput(input.name)) continue;
    const field = TEXT_INPUTS[input.name as keyof typeof TEXT_INPUTS];
    if (!field) {
      throw files.refuse('input_unsupported', modelFile, `inputs.${input.name}`, `Pare fills ${Object.keys(TEXT_INPUTS).join(', ')} from text; it cannot fill "${input.name}" (${input.dtype}).`);
    }
    if (!INTEGER_TYPES.has(input.dtype)) {
      throw files.refuse('input_unsupported', modelFile, `inputs.${input.name}`, `is ${input.dtype}; Pare feeds it as int64 or int32.`);
    }
    pre[field] = input.name;
  }
  if (!pre['idsInput']) throw files.refuse('input_unsupported', modelFile, 'inputs', `the model has no input_ids input (its inputs: ${inputs.map((i) => i.name).join(', ')}).`);
  return { tokenizer: tokenizer.spec, idsInput: pre['idsInput'], ...pre };
}

/** Pare's manifest.json in the folder, when it describes this model (same sha256). */
async function ownManifest(files: FolderFiles, modelBytes: Uint8Array): Promise<Manifest | undefined> {
  const value = await files.json('manifest.json');
  if (!value) return undefined;
  const manifest = parseManifest(value);
  return manifest.sha256 === (await sha256Hex(modelBytes)) ? manifest : undefined;
}

export async function readModelFolder(dir: string): Promise<ModelFolder> {
  const files = new FolderFiles(dir);
  const modelFile = MODEL_PATHS.find((p) => files.has(p));
  if (!modelFile) throw files.refuse('file_not_found', '.', 'model', `no ${MODEL_PATHS.join(' or ')} in ${path.resolve(dir)}.`);
  const modelBytes = await files.bytes(modelFile);
  const { model } = decodeModel(modelBytes);
  const { inputs, outputs } = summarizeModel(model);
  const config = await files.json('config.json');
  if (!config) throw files.refuse('file_not_found', 'config.json', '(file)', 'missing; it says the model\'s task and labels (architectures, id2label).');
  const tokenizer = await folderTokenizer(files, config);
  const manifest = await ownManifest(files, modelBytes);
  const preprocess = preprocessOf(files, modelFile, inputs, tokenizer);
  if (manifest?.preprocess?.tokenizer.kind === 'huggingface' && manifest.preprocess.tokenizer.sha256 !== tokenizer.spec.sha256) {
    throw files.refuse('manifest_invalid', 'manifest.json', 'preprocess.tokenizer.sha256', `is ${manifest.preprocess.tokenizer.sha256}, but tokenizer.json hashes to ${tokenizer.spec.sha256}.`);
  }
  const task = manifest ? { task: manifest.task, postprocess: manifest.postprocess, embedding: manifest.embedding, generation: manifest.generation } : await folderTask(files, modelFile, config, inputs, outputs);
  return {
    dir, modelFile, modelBytes, model, tokenizer,
    fields: { ...task, preprocess: manifest?.preprocess ?? preprocess },
    ...(manifest ? { manifest } : {}),
    config: {
      architectures: (config['architectures'] as string[] | undefined) ?? [],
      ...(typeof config['model_type'] === 'string' ? { modelType: config['model_type'] } : {}),
      ...(typeof config['problem_type'] === 'string' ? { problemType: config['problem_type'] } : {}),
    },
    configFiles: CONFIG_FILES.filter((f) => files.has(f)),
    inputs, outputs,
  };
}
