// The Hugging Face fixture folders built by scripts/hf_fixtures.py, and the Python encodings recorded beside them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const HF_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'hf');

/** Which model folder holds each tokenizer the parity files were recorded with. */
export const TOKENIZER_FOLDERS = {
  'wordpiece-uncased': 'distilbert-spam',
  'wordpiece-cased': 'bert-embed',
  bpe: 'roberta-spam',
  unigram: 'xlmr-email-tags',
  'unigram-precompiled': 'spm-tokenizer',
} as const;
export type TokenizerName = keyof typeof TOKENIZER_FOLDERS;

export interface PythonEncoding {
  ids: number[];
  /** Left out when all are 0. */
  typeIds?: number[];
  /** [start, end) in Unicode code points. */
  offsets: Array<[number, number]>;
  wordIds: Array<number | null>;
}

export const fixtureBytes = (...path: string[]) => new Uint8Array(readFileSync(join(HF_FIXTURES, ...path)));
export const fixtureJson = <T>(...path: string[]): T => JSON.parse(readFileSync(join(HF_FIXTURES, ...path), 'utf8')) as T;

export const parityTexts = () => fixtureJson<string[]>('parity', 'texts.json');
export const pythonEncodings = (name: TokenizerName): PythonEncoding[] =>
  (JSON.parse(gunzipSync(readFileSync(join(HF_FIXTURES, 'parity', `${name}.json.gz`))).toString('utf8')) as { encodings: PythonEncoding[] }).encodings;

/** Code-point offsets (Python) → UTF-16 offsets (JavaScript) for one text. */
export function utf16Offsets(text: string, offsets: ReadonlyArray<[number, number]>): Array<[number, number]> {
  const unitAt: number[] = [];
  let unit = 0;
  for (const ch of text) { unitAt.push(unit); unit += ch.length; }
  unitAt.push(unit);
  return offsets.map(([a, b]) => [unitAt[a] ?? unit, unitAt[b] ?? unit]);
}
