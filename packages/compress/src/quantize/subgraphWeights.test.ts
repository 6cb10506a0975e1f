// Weights inside If/Loop/Scan bodies, judged the way a recurrent model is used: Silero VAD (its LSTMs live in If
// bodies) streamed over 64 chunks of speech-like audio with its state fed back, in both runtimes, as stored
// and as served (constant dequantization folded at load).
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, opCounts } from '@pare/onnx';
import { servedModel } from '@pare/runtime';
import { realModels } from '../../../onnx/test/fixtures';
import { loadModel } from '../../test/inputs';
import { speechLikeAudio, streamFidelity, streamVad, VAD_CHUNK } from '../../test/recurrentStream';
import { quantizeWeightsInt8 } from './quantizeWeightsInt8';
import { weightsFp16 } from './weightsFp16';
import { quantizeDynamicInt8 } from './quantizeDynamicInt8';

const CHUNKS = 64;

describe('weights inside subgraphs (Silero VAD, 64 streamed chunks, state fed back)', () => {
  const model = loadModel(realModels.sileroVad);
  const fp32 = encodeModel(model);
  const audio = speechLikeAudio(VAD_CHUNK * CHUNKS, 1);

  it.each([
    ['int8 weights, per-channel', () => quantizeWeightsInt8(model, {}).model, 0.3, 0.9995],
    ['fp16 weights', () => weightsFp16(model).model, 0.52, 0.99999],
    // No MatMul/Gemm in Silero: int8-dynamic stores the LSTM weights weight-only (no dynamic LSTM kernel in wasm).
    ['int8 dynamic (LSTM weights weight-only)', () => quantizeDynamicInt8(model, {}).model, 0.75, 0.9995],
  ] as const)('%s: small, and the speech probabilities and state track fp32 in both runtimes, stored and served', async (_, make, maxRatio, floor) => {
    const stored = encodeModel(make());
    expect(stored.byteLength / fp32.byteLength).toBeLessThan(maxRatio);
    const served = servedModel(stored);
    expect(served.folded).toBeGreaterThanOrEqual(16);
    expect(opCounts(decodeModel(served.bytes).model)).toEqual(opCounts(model));
    for (const rt of ['node', 'web'] as const) {
      const reference = await streamVad(rt, fp32, audio, CHUNKS);
      // The audio has speech and pauses: the probability swings, so its cosine says something.
      expect(Math.max(...reference.probabilities) - Math.min(...reference.probabilities)).toBeGreaterThan(0.8);
      for (const bytes of [stored, served.bytes]) {
        const f = streamFidelity(reference, await streamVad(rt, bytes, audio, CHUNKS));
        expect(f.probabilityCosine).toBeGreaterThan(floor);
        expect(f.minStateCosine).toBeGreaterThan(floor);
        expect(f.maxProbabilityGap).toBeLessThan(0.02);
      }
    }
  }, 120_000);
});
