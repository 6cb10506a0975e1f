// The Hugging Face fixture folders (packages/runtime/test/fixtures/hf/*, built by
// packages/runtime/scripts/hf_fixtures.py) as the benchmark uses them. The manifest is made from what the
// Python pipeline was run with (expected.json: task, max_length, pooling, aggregation; config.json: labels,
// problem_type), so the benchmark checks Pare against the reference settings, not against its own import.
import fs from 'node:fs';
import path from 'node:path';
import { decodeModel } from '@pare/onnx';
import { loadTextTokenizer, type Manifest, type TextTokenizer } from '@pare/runtime';
import { variantManifest } from '@pare/runtime/manifest-builder';
import { readModelFolder } from '@pare/runtime/folder';

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
  const { model } = decodeModel(bytes);
  // The manifest fields as `pare compress <folder>` and `pare deploy <folder>` read them (truncation side, pad
  // token, task, labels, activation, pooling): the product's own folder reader, not a second one here.
  const folder = await readModelFolder(dir);
  const manifest = await variantManifest(bytes, { model: name, variant: 'fp32', ...folder.fields }, model);
  return { name, dir, modelFile, bytes, manifest, tokenizerBytes, tokenizer: await loadTextTokenizer(manifest, tokenizerBytes), expected };
}
