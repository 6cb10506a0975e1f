import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tinyClassOf, tinyClassifierBytes } from './tinyClassifier';

// A folder holding the tiny classifier and a labelled JSONL dataset for it. The labels are the model's own
// classes except where `wrongEvery` flips one, so tests know the exact accuracy to expect.

export interface TinyFixture {
  dir: string;
  model: string;
  data: string;
  examples: number[][];
  labels: number[];
}

export function tinyFixture(count = 40, wrongEvery = 0): TinyFixture {
  const dir = mkdtempSync(join(tmpdir(), 'pare-origin-'));
  const model = join(dir, 'model.onnx');
  writeFileSync(model, tinyClassifierBytes());
  const examples: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const x = [((i * 7) % 5) / 5, ((i * 3) % 7) / 7, ((i * 11) % 9) / 9, i / count];
    const cls = tinyClassOf(x);
    examples.push(x);
    labels.push(wrongEvery && i % wrongEvery === 0 ? (cls + 1) % 3 : cls);
  }
  const data = join(dir, 'data.jsonl');
  writeFileSync(data, examples.map((x, i) => JSON.stringify({ inputs: { x }, label: labels[i] })).join('\n') + '\n');
  return { dir, model, data, examples, labels };
}
