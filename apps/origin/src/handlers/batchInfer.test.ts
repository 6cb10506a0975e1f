import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseJobSpec, type BatchInferSpec, type EvaluateSpec } from '../jobs/jobSpec';
import { recordingContext } from '../../test/recordingContext';
import { tinyFixture } from '../../test/tinyDataset';
import { TINY_WEIGHTS } from '../../test/tinyClassifier';
import { batchInfer } from './batchInfer';
import { evaluate } from './evaluate';

// batch-infer and evaluate against real onnxruntime-node on the tiny classifier.

const fixture = tinyFixture(37);

function expectedLogits(x: number[]): number[] {
  return [0, 1, 2].map((j) => x.reduce((sum, xi, i) => sum + xi * TINY_WEIGHTS[i * 3 + j]!, 0));
}

describe('batch-infer', () => {
  test('writes one prediction per example, in input order, across a ragged last batch and two sessions', async () => {
    const spec = parseJobSpec({ type: 'batch-infer', model: fixture.model, data: fixture.data, batchSize: 5, sessions: 2 }) as BatchInferSpec;
    const ctx = recordingContext();
    const result = await batchInfer(spec, ctx);
    expect(result.artifacts).toEqual(['predictions.jsonl']);
    const lines = readFileSync(join(ctx.artifactsDir, 'predictions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(37);
    lines.forEach((line, i) => {
      expect(line.index).toBe(i);
      line.outputs.logits.forEach((v: number, j: number) => expect(v).toBeCloseTo(expectedLogits(fixture.examples[i]!)[j]!, 5));
    });
    expect(result.metrics).toMatchObject({ items: 37, batches: 8, sessions: 2, executionProvider: 'cpu', batchSize: 5 });
    expect(result.metrics.itemsPerSecond).toBeGreaterThan(0);
    expect(ctx.progressSeen.at(-1)).toBe(1);
  });

  test('an unavailable execution provider falls back to cpu with a warning in the job log', async () => {
    const spec = parseJobSpec({ type: 'batch-infer', model: fixture.model, data: fixture.data, executionProvider: 'cuda' }) as BatchInferSpec;
    const ctx = recordingContext();
    const result = await batchInfer(spec, ctx);
    expect(result.metrics.executionProvider).toBe('cpu');
    expect(ctx.logs.find((l) => l.level === 'warn')?.message).toMatch(/"cuda" is not available here .*falling back to cpu/);
  });

  test('an example missing a model input fails naming the example and the input', async () => {
    const data = join(fixture.dir, 'bad.jsonl');
    writeFileSync(data, `${JSON.stringify({ inputs: { x: [1, 2, 3, 4] } })}\n${JSON.stringify({ inputs: { y: [1, 2, 3, 4] } })}\n`);
    const spec = parseJobSpec({ type: 'batch-infer', model: fixture.model, data }) as BatchInferSpec;
    await expect(batchInfer(spec, recordingContext())).rejects.toThrow(/example 1 has no value for model input "x"/);
  });

  test('stops at the next batch once cancelled', async () => {
    const spec = parseJobSpec({ type: 'batch-infer', model: fixture.model, data: fixture.data, batchSize: 1 }) as BatchInferSpec;
    const ctx = recordingContext();
    ctx.abort();
    await expect(batchInfer(spec, ctx)).rejects.toThrow();
    expect(ctx.progressSeen).toEqual([]);
  });
});

describe('evaluate', () => {
  test('reports accuracy, per-class scores and the confusion matrix with named labels', async () => {
    const flipped = tinyFixture(30, 3);
    const spec = parseJobSpec({ type: 'evaluate', model: flipped.model, data: flipped.data, labels: ['a', 'b', 'c'], batchSize: 7 }) as EvaluateSpec;
    const result = await evaluate(spec, recordingContext());
    const wrong = flipped.labels.filter((_, i) => i % 3 === 0).length;
    expect(result.metrics.accuracy).toBeCloseTo((30 - wrong) / 30, 10);
    expect(result.metrics.labels).toEqual(['a', 'b', 'c']);
    const confusion = result.metrics.confusion as number[][];
    expect(confusion.flat().reduce((a, b) => a + b, 0)).toBe(30);
    expect(confusion.reduce((sum, row, i) => sum + row[i]!, 0)).toBe(30 - wrong);
  });

  test('string labels are looked up in the spec labels, and an unknown one is named', async () => {
    const data = join(fixture.dir, 'named.jsonl');
    writeFileSync(data, [{ inputs: { x: [1, 0, 0, 0] }, label: 'a' }, { inputs: { x: [0, 0, 1, 0] }, label: 'z' }].map((e) => JSON.stringify(e)).join('\n'));
    const spec = parseJobSpec({ type: 'evaluate', model: fixture.model, data, labels: ['a', 'b', 'c'] }) as EvaluateSpec;
    await expect(evaluate(spec, recordingContext())).rejects.toThrow(/example 1 has label "z"/);
  });
});
