import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, GraphBuilder, opCounts } from '@pare/onnx';
import { nodeBackend } from '../src/node/index';
import { webNodeBackend } from '../src/web-node/index';
import { servedModel, servingBackend } from '../src/serving/servedModel';

/** x [1, 4] · W, W stored int8 behind DequantizeLinear; with `activations`, x goes through Q/DQ too (static QDQ). */
function weightOnly(activations: boolean): Uint8Array {
  const b = new GraphBuilder('wq', { opset: 13 });
  let x = b.input('x', 'float32', [1, 4]);
  const q = b.initializer('wq', 'int8', [4, 2], Int8Array.of(10, -20, 30, -40, 50, -60, 70, -80));
  const s = b.initializer('ws', 'float32', [2], Float32Array.of(0.01, 0.02));
  const w = b.node('DequantizeLinear', [q, s], { attributes: { axis: 1 }, outputs: ['w'] })[0]!;
  if (activations) {
    const xs = b.initializer('xs', 'float32', [], [0.05]);
    const xz = b.initializer('xz', 'uint8', [], [128]);
    x = b.op('DequantizeLinear', [b.op('QuantizeLinear', [x, xs, xz]), xs, xz]);
  }
  b.node('MatMul', [x, w], { outputs: ['y'] });
  b.output('y', 'float32', [1, 2]);
  return encodeModel(b.build());
}

describe('servedModel', () => {
  it('folds a weight-only model into a plain fp32 MatMul that computes the same, in both runtimes', async () => {
    const bytes = weightOnly(false);
    const served = servedModel(bytes);
    expect(served.folded).toBe(1);
    expect(opCounts(decodeModel(served.bytes).model)).toEqual({ MatMul: 1 });
    const feeds = { x: { type: 'float32' as const, data: Float32Array.of(1, 2, 3, 4), dims: [1, 4] } };
    for (const backend of [nodeBackend, webNodeBackend]) {
      const session = await servingBackend(backend).createSession(bytes);
      const y = (await session.run(feeds)).y!.data as Float32Array;
      await session.release();
      // (1·10 + 2·30 + 3·50 + 4·70)·0.01, (1·-20 + 2·-40 + 3·-60 + 4·-80)·0.02
      expect(y[0]).toBeCloseTo(5, 5);
      expect(y[1]).toBeCloseTo(-12, 5);
    }
  });

  it('leaves a static QDQ model (activations quantized) exactly as it is: its weight DQs feed the QDQ fusions', () => {
    const bytes = weightOnly(true);
    expect(servedModel(bytes)).toEqual({ bytes, folded: 0 });
  });
});
