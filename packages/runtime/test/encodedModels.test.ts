// Models that @pare/onnx encodes (built, upgraded, round-tripped, rewritten) run in onnxruntime with the
// expected, or unchanged, outputs. The codec's own checks live in packages/onnx.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { constantsToInitializers, decodeModel, encodeModel, GraphBuilder, upgradeOpset, type Model } from '@pare/onnx';
import { realModels, type RealModelName } from '../../onnx/test/fixtures';
import { constantsModel } from '../../onnx/test/constantsModel';
import { opset9Model } from '../../onnx/test/opset9Model';
import type { Feeds } from '../src/backend/inferenceBackend';
import { nodeBackend } from '../src/node/index';
import { feedsFor, runModel, type DimChoices } from './modelFeeds';

async function runFloats(model: Model, feeds: Feeds): Promise<number[][]> {
  const session = await nodeBackend.createSession(encodeModel(model));
  try {
    const out = await session.run(feeds);
    return session.outputs.map((o) => Array.from(out[o.name]!.data as Float32Array));
  } finally {
    await session.release();
  }
}

describe('GraphBuilder models', () => {
  it('an MLP runs with the expected result', async () => {
    const b = new GraphBuilder('mlp');
    const x = b.input('x', 'float32', ['batch', 2]);
    const w = b.initializer('w', 'float32', [2, 3], [1, 2, 3, 4, 5, 6]);
    const bias = b.initializer('b', 'float32', [3], [0.5, -10, 0]);
    b.output(b.op('Relu', [b.op('Add', [b.op('MatMul', [x, w]), bias])]), 'float32', ['batch', 3]);
    const [y] = await runFloats(b.build(), { x: { type: 'float32', data: Float32Array.from([1, 1, -1, 0]), dims: [2, 2] } });
    expect(y).toEqual([5.5, 0, 9, 0, 0, 0]);
  });
});

describe('upgradeOpset', () => {
  it('rewrites opset-9 operators so onnxruntime gives identical outputs at opset 13', async () => {
    const model = opset9Model();
    const { model: up } = upgradeOpset(model, 13);
    const feeds: Feeds = { x: { type: 'float32', data: Float32Array.from({ length: 24 }, (_, i) => Math.sin(i)), dims: [2, 3, 4] } };
    const [a, b] = [await runFloats(model, feeds), await runFloats(up, feeds)];
    a.forEach((values, i) => values.forEach((v, j) => expect(b[i]![j]).toBeCloseTo(v, 6)));
  });

  it('PP-OCRv4 rec (opset 9) gives the same outputs after the upgrade', async () => {
    const model = decodeModel(readFileSync(realModels.ocrRec)).model;
    const { model: up } = upgradeOpset(model);
    const feeds: Feeds = { x: { type: 'float32', data: Float32Array.from({ length: 3 * 48 * 64 }, (_, i) => Math.cos(i / 7)), dims: [1, 3, 48, 64] } };
    const [a, b] = [await runFloats(model, feeds), await runFloats(up, feeds)];
    let maxDiff = 0;
    a[0]!.forEach((v, j) => { maxDiff = Math.max(maxDiff, Math.abs(v - b[0]![j]!)); });
    expect(maxDiff).toBeLessThan(1e-5);
  });
});

/** Input sizes each model accepts (multiples of its strides); symbolic dims elsewhere are 1. */
const DIMS: Record<RealModelName, DimChoices> = {
  ocrDet: { x: [1, 3, 64, 64] },
  ocrRec: { x: [1, 3, 48, 64] },
  ocrCls: { x: [1, 3, 48, 96] },
  wakeWord: {},
  sileroVad: { input: [1, 512], h: [2, 1, 64], c: [2, 1, 64] },
  melSpectrogram: { input: [1, 1280] },
  speechEmbedding: { input_1: [1, 76, 32, 1] },
};

const sr = (rate: number): Feeds => ({ sr: { type: 'int64', data: BigInt64Array.from([BigInt(rate)]), dims: [] } });

describe.each(Object.keys(realModels) as RealModelName[])('real model %s', (name) => {
  it('gives identical onnxruntime outputs after decode → encode', async () => {
    const original = readFileSync(realModels[name]);
    const { model } = decodeModel(original);
    const roundTripped = encodeModel(decodeModel(encodeModel(model)).model);
    const rates = name === 'sileroVad' ? [16000, 8000] : [0]; // both If branches of silero
    for (const rate of rates) {
      const feeds = feedsFor(model, DIMS[name], rate ? sr(rate) : {});
      const before = await runModel(original, feeds);
      const after = await runModel(roundTripped, feeds);
      expect(Object.keys(after).sort()).toEqual(model.graph!.output.map((o) => o.name).sort());
      expect(after).toEqual(before);
    }
  });
});

describe('Constant nodes → initializers', () => {
  it('every main-graph Constant form moved keeps the outputs identical', async () => {
    const before = constantsModel();
    const { model: after } = constantsToInitializers(before);
    const feeds: Feeds = { x: { type: 'float32', data: new Float32Array([1, -1]), dims: [2] }, flag: { type: 'bool', data: new Uint8Array([1]), dims: [] } };
    const out = await runModel(encodeModel(after), feeds);
    expect(out).toEqual(await runModel(encodeModel(before), feeds));
    expect(out[after.graph!.output[0]!.name!]!.data).toEqual([7.5, -8.25]);
  });
});

describe('Constant nodes → initializers on real models', () => {
  it.each(['wakeWord', 'ocrCls'] as const)('%s keeps identical outputs', async (name) => {
    const original = readFileSync(realModels[name]);
    const { model } = decodeModel(original);
    const { model: moved } = constantsToInitializers(model);
    const feeds = feedsFor(model, DIMS[name]);
    expect(await runModel(encodeModel(moved), feeds)).toEqual(await runModel(original, feeds));
  });
});
