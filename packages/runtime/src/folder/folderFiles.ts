// Reading the files of a Hugging Face export folder: each JSON file parsed once, every error naming the file.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PareError } from '@pare/errors';

/** Files Pare reads from, or copies into, a variant folder (relative paths; model.onnx is handled apart). */
export const CONFIG_FILES = [
  'config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'generation_config.json',
  'modules.json', '1_Pooling/config.json', 'sentence_bert_config.json', 'config_sentence_transformers.json',
] as const;

/** Where an export keeps its ONNX graph: Optimum at the top, transformers.js under onnx/. */
export const MODEL_PATHS = ['model.onnx', 'onnx/model.onnx'] as const;

export class FolderFiles {
  constructor(readonly dir: string) {}

  has(file: string): boolean {
    return existsSync(path.join(this.dir, file));
  }

  async bytes(file: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(path.join(this.dir, file)));
    } catch (cause) {
      throw new PareError('file_unreadable', `${path.join(this.dir, file)} could not be read: ${(cause as Error).message}`, { cause, details: { file } });
    }
  }

  /** A JSON object file, or undefined when the folder does not have it. */
  async json(file: string): Promise<Record<string, unknown> | undefined> {
    if (!this.has(file)) return undefined;
    const text = new TextDecoder().decode(await this.bytes(file));
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw new PareError('file_unreadable', `${path.join(this.dir, file)} is not valid JSON.`, { cause, details: { file } });
    }
    if (!value || typeof value !== 'object') throw new PareError('file_unreadable', `${path.join(this.dir, file)} is not a JSON object or array.`, { details: { file } });
    return value as Record<string, unknown>;
  }

  /** A refusal that names the file and field at fault. */
  refuse(code: 'task_unsupported' | 'input_unsupported' | 'tokenizer_unsupported' | 'file_not_found' | 'manifest_invalid', file: string, field: string, message: string): PareError {
    return new PareError(code, `${path.join(this.dir, file)}: ${field}: ${message}`, { status: 400, details: { file, field } });
  }
}
