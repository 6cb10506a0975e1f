import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPare } from './runPare';

// `pare eval --data`: the committed default model, measured on the spam-assassin test split through its
// manifest's tokenizer, must reproduce the accuracy its manifest recorded at training time.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const variantDir = path.join(root, 'infra/models/spam/student-int8');
const model = path.join(variantDir, 'model.onnx');
const manifest = JSON.parse(fs.readFileSync(path.join(variantDir, 'manifest.json'), 'utf8')) as { metrics: { accuracy: number; testExamples: number; precision: number; recall: number; hardHamFalsePositiveRate: number } };

let dir: string;
beforeAll(() => void (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pare-eval-data-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('pare eval --data', () => {
  it('reproduces the manifest accuracy on the spam-assassin test split (JSON)', async () => {
    const r = await runPare(['eval', model, '--data', 'spam-assassin', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    expect(Math.abs(report.accuracy - manifest.metrics.accuracy)).toBeLessThan(1e-9);
    expect(report).toMatchObject({ data: 'spam-assassin', split: 'test', seed: 1, runtime: 'onnxruntime-node', positive: 'spam', labels: ['ham', 'spam'] });
    const confusion = report.confusion as number[][];
    expect(confusion.flat().reduce((a, b) => a + b, 0)).toBe(manifest.metrics.testExamples);
    expect(report.precision).toBeCloseTo(manifest.metrics.precision, 9);
    expect(report.recall).toBeCloseTo(manifest.metrics.recall, 9);
    expect(report.hardHamFalsePositiveRate).toBeCloseTo(manifest.metrics.hardHamFalsePositiveRate, 9);
    expect(report.perClass[1]).toMatchObject({ label: 'spam', precision: report.precision, recall: report.recall, f1: report.f1 });
  });

  it('prints tables, in the wasm runtime the edge runs', async () => {
    const r = await runPare(['eval', model, '--data', 'spam-assassin', '--runtime', 'web']);
    expect(r.code, r.stderr).toBe(0);
    const correct = Math.round(manifest.metrics.accuracy * manifest.metrics.testExamples);
    expect(r.stdout).toContain('spam-assassin, test split (seed 1), 584 examples, onnxruntime-web (wasm)');
    expect(r.stdout).toMatch(new RegExp(`accuracy +│ ${(manifest.metrics.accuracy * 100).toFixed(2)}% \\(${correct}/${manifest.metrics.testExamples}\\)`));
    expect(r.stdout).toMatch(/hard-ham false positives/);
    expect(r.stdout).toMatch(/spam \(positive\)/);
    expect(r.stdout).toMatch(/actual ↓ predicted → │ ham +│ spam/);
  });

  it('refuses a missing or unusable manifest (exit 1), an unknown dataset and --reference with --data (usage, exit 2), in one line', async () => {
    const lonely = path.join(dir, 'model.onnx');
    fs.copyFileSync(model, lonely);
    const noTokenizer = path.join(dir, 'no-tokenizer.json');
    const { preprocess: _, ...rest } = JSON.parse(fs.readFileSync(path.join(variantDir, 'manifest.json'), 'utf8'));
    fs.writeFileSync(noTokenizer, JSON.stringify(rest));
    const cases: Array<[string[], RegExp, number]> = [
      [['eval', lonely, '--data', 'spam-assassin'], /^pare: Cannot read the manifest ".*manifest\.json": no such file; pass --manifest <file>/, 1],
      [['eval', model, '--data', 'spam-assassin', '--manifest', noTokenizer], /^pare: The manifest ".*no-tokenizer\.json" has no preprocess\.tokenizer/, 1],
      [['eval', model, '--data', 'imdb'], /^pare: --data: unknown dataset "imdb"; known: spam-assassin\.$/, 2],
      [['eval', model, '--data', 'spam-assassin', '--reference', model], /^pare: --reference and --data go together only for model folders/, 2],
    ];
    const runs = await Promise.all(cases.map(([args]) => runPare(args)));
    for (const [i, [args, message, code]] of cases.entries()) {
      const r = runs[i]!;
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
    }
  });
});
