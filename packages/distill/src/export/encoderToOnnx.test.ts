import { init } from '@jax-js/jax';
import { decodeModel, encodeModel } from '@pare/onnx';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EncodedSet } from '../data/encode';
import { initEncoder } from '../model/params';
import { makeRng } from '../random';
import { predictLogits } from '../train/predict';
import { encoderToOnnx } from './encoderToOnnx';
import { createClassifierSession, toInt64 } from './ortRun';

beforeAll(async () => { await init('wasm'); });

/** A tiny encoder with weights large enough that every block changes the logits. */
function tinyModel() {
  const m = initEncoder({ vocabSize: 40, maxLength: 12, dModel: 16, heads: 4, layers: 2, ffDim: 24, numLabels: 2 }, 7);
  const rng = makeRng(11);
  for (const w of Object.values(m.weights)) for (let i = 0; i < w.length; i++) w[i]! += (rng() - 0.5) * 0.6;
  return m;
}

function randomSet(n: number, L: number, vocab: number, seed: number): EncodedSet {
  const rng = makeRng(seed);
  const ids = new Int32Array(n * L), mask = new Float32Array(n * L);
  for (let r = 0; r < n; r++) {
    const len = 1 + Math.floor(rng() * L);
    for (let j = 0; j < len; j++) { ids[r * L + j] = Math.floor(rng() * vocab); mask[r * L + j] = 1; }
  }
  return { n, maxLength: L, ids, mask, labels: new Uint8Array(n), hard: new Uint8Array(n) };
}

describe('encoderToOnnx', () => {
  const model = tinyModel();
  const data = randomSet(9, 12, 40, 3);
  const bytes = encodeModel(encoderToOnnx(model));

  it('uses only ops the wasm build runs natively', () => {
    const ops = new Set(decodeModel(bytes).model.graph!.node.map((n) => n.op_type));
    expect([...ops].sort()).toEqual(['Add', 'Cast', 'Div', 'Gather', 'LayerNormalization', 'MatMul', 'Mul', 'ReduceSum', 'Relu', 'Reshape', 'Softmax', 'Split', 'Sub', 'Transpose', 'Unsqueeze']);
  });

  for (const backend of ['node', 'web'] as const) {
    it(`matches the trainer's logits within 1e-4 in onnxruntime-${backend}`, async () => {
      const reference = predictLogits(model, data);
      const session = await createClassifierSession(bytes, backend);
      const logits = await session.run(toInt64(data.ids), toInt64(data.mask), data.n, data.maxLength);
      await session.release();
      expect(logits.length).toBe(reference.length);
      let max = 0;
      for (let i = 0; i < logits.length; i++) max = Math.max(max, Math.abs(logits[i]! - reference[i]!));
      expect(max).toBeLessThan(1e-4);
      // The logits are not all alike: the test would otherwise pass for a constant model.
      expect(Math.max(...reference) - Math.min(...reference)).toBeGreaterThan(0.1);
    });
  }
});
