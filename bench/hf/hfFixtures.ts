// The Hugging Face fixture folders (packages/runtime/test/fixtures/hf/*, built by
// packages/runtime/scripts/hf_fixtures.py) as the benchmark uses them. The manifest is made from what the
// Python pipeline was run with (expected.json: task, max_length, pooling, aggregation; config.json: labels,
// problem_type), so the benchmark checks Pare against the reference settings, not against its own import.
import fs from 'node:fs';
import path from 'node:path';
import { decodeModel, summarizeModel } from '@pare/onnx';
import { loadTextTokenizer, sha256Hex, type Manifest, type TextTokenizer } from '@pare/runtime';
import { variantManifest } from '@pare/runtime/manifest-builder';

export const FIXTURES_DIR = path.resolve(import.meta.dirname, '../../packages/runtime/test/fixtures/hf');

export interface ExpectedOutput {
  text: string;
  labels?: Array<{ label: string; score: number }>;
  embedding?: number[];
  entities?: Array<{ entity_group: string; score: number; word: string; start: number; end: number }>;
}

export interface Expected {
  task: Manifest['task'];
  problem_type?: string;
  max_length: number;
  pooling?: 'mean' | 'cls' | 'max';
  normalize?: boolean;
  aggregation?: 'none' | 'simple' | 'first' | 'average' | 'max';
  outputs: ExpectedOutput[];
}

export interface HfFixture {
  name: string;
  dir: string;
  /** Path of the ONNX graph relative to `dir` (model.onnx or onnx/model.onnx). */
  modelFile: string;
  bytes: Uint8Array;
  manifest: Manifest;
  tokenizerBytes: Uint8Array;
  tokenizer: TextTokenizer;
  expected: Expected;
}

const TEXT_INPUTS = { input_ids: 'idsInput', attention_mask: 'maskInput', token_type_ids: 'typeIdsInput', position_ids: 'positionIdsInput' } as const;

export function fixtureNames(root = FIXTURES_DIR): string[] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).filter((n) => fs.existsSync(path.join(root, n, 'expected.json'))).sort();
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;

export async function loadFixture(name: string, root = FIXTURES_DIR): Promise<HfFixture> {
  const dir = path.join(root, name);
  const modelFile = ['model.onnx', 'onnx/model.onnx'].find((f) => fs.existsSync(path.join(dir, f)));
  if (!modelFile) throw new Error(`${dir} has no model.onnx`);
  const bytes = new Uint8Array(fs.readFileSync(path.join(dir, modelFile)));
  const tokenizerBytes = new Uint8Array(fs.readFileSync(path.join(dir, 'tokenizer.json')));
  const expected = readJson<Expected>(path.join(dir, 'expected.json'));
  const config = readJson<{ id2label?: Record<string, string>; problem_type?: string }>(path.join(dir, 'config.json'));
  const { model } = decodeModel(bytes);
  const pre: Record<string, string> = {};
  for (const input of summarizeModel(model).inputs) pre[TEXT_INPUTS[input.name as keyof typeof TEXT_INPUTS]] = input.name;
  const labels = Object.entries(config.id2label ?? {}).sort(([a], [b]) => Number(a) - Number(b)).map(([, l]) => l);
  const manifest = await variantManifest(bytes, {
    model: name,
    variant: 'fp32',
    task: expected.task,
    preprocess: { tokenizer: { kind: 'huggingface', sha256: await sha256Hex(tokenizerBytes), bytes: tokenizerBytes.byteLength, maxLength: expected.max_length }, idsInput: pre.idsInput!, ...pre },
    ...(expected.task === 'feature-extraction'
      ? { embedding: { pooling: expected.pooling ?? 'mean', normalize: expected.normalize ?? true } }
      : { postprocess: { labels, activation: config.problem_type === 'multi_label_classification' ? 'sigmoid' : 'softmax', ...(expected.aggregation ? { aggregation: expected.aggregation } : {}) } }),
  }, model);
  return { name, dir, modelFile, bytes, manifest, tokenizerBytes, tokenizer: await loadTextTokenizer(manifest, tokenizerBytes), expected };
}
