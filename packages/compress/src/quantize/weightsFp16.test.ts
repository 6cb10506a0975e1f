import { describe, expect, it } from 'vitest';
import { constantsToInitializers, DataType, encodeModel, opCounts, upgradeOpset } from '@pare/onnx';
import { realModels } from '../../../onnx/test/fixtures';
import { weightsFp16 } from './weightsFp16';
import { dequantizeInitializers } from './dequantizeInitializers';
import { embeddingModel, mlp } from '../../test/builtModels';
import { documentImage, loadModel } from '../../test/inputs';
import { floatFeed, minCosine, runModel } from '../../test/runtimes';
import type { Feeds } from '@pare/runtime';

describe('weightsFp16', () => {
  it.each([
    ['MLP', () => mlp([256, 512, 10]), [floatFeed('x', [2, 256], 1)]],
    ['embedding table', () => embeddingModel(2000, 64), [{ ids: { type: 'int64', data: BigInt64Array.from([5n, 1999n, 0n, 42n]), dims: [2, 2] } } as Feeds]],
    ['PP-OCRv4 rec', () => upgradeOpset(loadModel(realModels.ocrRec), 13).model, [documentImage(48, 320, 1)]],
  ] as const)('%s: weights stored float16 behind Cast, about half the file, cosine ≥ 0.9999 in both runtimes', async (_, make, feeds) => {
    const model = make();
    const { model: h, report } = weightsFp16(model);
    expect(report.tensors.length).toBeGreaterThan(0);
    expect(report.tensors.every((t) => t.detail!.dtype === 'float16' && (t.detail!.relativeError as number) < 3e-3)).toBe(true); // 3e-4 typical; 1.4e-3 for a bias of tiny values
    expect(h.graph!.initializer.some((t) => t.data_type === DataType.FLOAT16)).toBe(true);
    expect(encodeModel(h).byteLength / encodeModel(model).byteLength).toBeLessThan(0.55);
    for (const rt of ['node', 'web'] as const) {
      expect(minCosine(await runModel(rt, encodeModel(model), [...feeds]), await runModel(rt, encodeModel(h), [...feeds]))).toBeGreaterThan(0.9999);
    }
    // Folded back at load: the original operators, every weight fp32 again.
    const folded = dequantizeInitializers(h).model;
    expect(opCounts(folded)).toEqual(opCounts(constantsToInitializers(model, { subgraphs: true }).model));
    expect(folded.graph!.initializer.some((t) => t.data_type === DataType.FLOAT16)).toBe(false);
  });

  it('keeps tensors beyond the fp16 range in fp32 and says why', () => {
    const model = mlp([64, 32]);
    model.graph!.initializer.find((t) => t.name === 'w0')!.raw_data = new Uint8Array(Float32Array.from({ length: 64 * 32 }, (_, i) => (i === 0 ? 1e6 : 0.5)).buffer);
    const { report } = weightsFp16(model);
    expect(report.skipped[0]!.reason).toMatch(/exceed the fp16 range/);
  });
});
