import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { PareError } from '@pare/errors';
import { decodeModel, encodeModel } from './codec';
import { GraphBuilder } from './graphBuilder';
import { opsetVersion } from './graphWalk';
import { upgradeOpset } from './upgradeOpset';
import type { Model } from './types';
import { realModels } from '../test/fixtures';

async function run(model: Model, feeds: Record<string, ort.Tensor>): Promise<number[][]> {
  const session = await ort.InferenceSession.create(encodeModel(model));
  const out = await session.run(feeds);
  return session.outputNames.map((n) => Array.from(out[n]!.data as Float32Array));
}

/** An opset-9 graph using every operator whose signature changed by 13 in a way upgradeOpset rewrites. */
function opset9Model(): Model {
  const b = new GraphBuilder('old', { opset: 9 });
  const x = b.input('x', 'float32', [2, 3, 4]);
  const sliced = b.op('Slice', [x], { starts: [0, 1], ends: [2, 4], axes: [1, 2] }); // [2,2,3]
  const clipped = b.op('Clip', [sliced], { min: { float: -0.5 }, max: { float: 0.5 } });
  const soft = b.op('Softmax', [clipped], { axis: 1 }); // opset-9 meaning: over the flattened [2*3] per batch row
  const unsq = b.op('Unsqueeze', [soft], { axes: [0] }); // [1,2,2,3]
  const sq = b.op('Squeeze', [unsq], { axes: [0] });
  const [s1, s2] = b.node('Split', [sq], { attributes: { axis: 2, split: [1, 2] }, outputs: 2 });
  const padded = b.op('Pad', [s1!], { pads: [0, 0, 1, 0, 0, 1], value: { float: 0.25 } }); // [2,2,3]
  const summed = b.op('ReduceSum', [s2!], { axes: [1], keepdims: 0 });
  const up = b.op('Upsample', [b.op('Unsqueeze', [x], { axes: [0] }), b.initializer('scales', 'float32', [4], [1, 1, 2, 2])], { mode: 'nearest' });
  b.output(padded, 'float32', [2, 2, 3]);
  b.output(summed, 'float32', [2, 2]);
  b.output(up, 'float32', [1, 2, 6, 8]);
  return b.build();
}

describe('upgradeOpset', () => {
  it('rewrites opset-9 operators so onnxruntime gives identical outputs at opset 13', async () => {
    const model = opset9Model();
    const { model: up, report } = upgradeOpset(model, 13);
    expect(opsetVersion(up)).toBe(13);
    expect(opsetVersion(model)).toBe(9); // the input is not touched
    expect(report.rewritten).toMatchObject({ Slice: 1, Clip: 1, Softmax: 1, Unsqueeze: 2, Squeeze: 1, Split: 1, Pad: 1, ReduceSum: 1, Upsample: 1 });
    const x = new ort.Tensor('float32', Float32Array.from({ length: 24 }, (_, i) => Math.sin(i)), [2, 3, 4]);
    const [a, b] = [await run(model, { x }), await run(up, { x })];
    a.forEach((values, i) => values.forEach((v, j) => expect(b[i]![j]).toBeCloseTo(v, 6)));
  });

  it('PP-OCRv4 rec (opset 9) gives the same outputs after the upgrade', async () => {
    const model = decodeModel(readFileSync(realModels.ocrRec)).model;
    const { model: up, report } = upgradeOpset(model);
    expect(report).toMatchObject({ from: 9, to: 13 });
    const x = new ort.Tensor('float32', Float32Array.from({ length: 3 * 48 * 64 }, (_, i) => Math.cos(i / 7)), [1, 3, 48, 64]);
    const [a, b] = [await run(model, { x }), await run(up, { x })];
    let maxDiff = 0;
    a[0]!.forEach((v, j) => { maxDiff = Math.max(maxDiff, Math.abs(v - b[0]![j]!)); });
    expect(maxDiff).toBeLessThan(1e-5);
  });

  it('refuses operators whose change it does not know, by name, and targets above 13', () => {
    const b = new GraphBuilder('old', { opset: 9 });
    const x = b.input('x', 'float32', [4]);
    b.output(b.op('Scatter', [x, b.initializer('i', 'int64', [1], [0]), b.initializer('u', 'float32', [1], [1])]), 'float32', [4]);
    expect(() => upgradeOpset(b.build(), 13)).toThrow(expect.objectContaining({ code: 'opset_upgrade_unsupported', message: expect.stringMatching(/Cannot upgrade operator Scatter/) }));
    expect(() => upgradeOpset(opset9Model(), 17)).toThrow(PareError);
  });
});
