import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, opCounts, type Model } from '@pare/onnx';
import { nodeBackend } from '@pare/runtime/node';
import { webNodeBackend } from '@pare/runtime/web-node';
import { quantizeWeightsInt4 } from './quantizeWeightsInt4';
import { compressModel } from '../pipeline/compressModel';
import { heldOutTexts, loadLm, perplexityOf } from '../../test/lmFolders';

const texts = heldOutTexts(20);

function readersOf(model: Model, name: string): string[] {
  return model.graph!.node.filter((n) => n.input.includes(name)).map((n) => n.op_type ?? '').sort();
}

describe('4-bit embedding tables (GatherBlockQuantized)', () => {
  it.each([
    // gpt2-sotu: tied head, so one packed table feeds the lookup and the head; llama-sotu: its own head.
    ['gpt2-sotu', 0.15, 1.01],
    ['llama-sotu', 0.2, 1.03],
  ] as const)('%s: ≤ %f of the fp32 file, perplexity ≤ %f × fp32 in onnxruntime-node and -web (wasm)', async (name, maxSize, maxRatio) => {
    const lm = await loadLm(name);
    const fp32 = lm.folder.modelBytes;
    // The whole pipeline, as `pare compress --quantize int4-weights` writes it (the head tied first).
    const { model, steps } = await compressModel(decodeModel(fp32).model, { quantize: 'int4-weights' });
    const report = steps.find((s) => s.step === 'quantize-int4-weights')!.report!;
    const bytes = encodeModel(model);
    expect(opCounts(model)['com.microsoft.GatherBlockQuantized']).toBeGreaterThanOrEqual(1);
    expect(bytes.byteLength / fp32.byteLength).toBeLessThanOrEqual(maxSize);
    const tables = report.tensors.filter((t) => t.detail?.form === 'gather-block-quantized');
    expect(tables.length).toBeGreaterThanOrEqual(1);
    if (name === 'gpt2-sotu') {
      const wte = tables.find((t) => t.name === 'model.transformer.wte.weight')!;
      expect(wte.detail).toMatchObject({ dtype: 'int4', tiedHead: true });
      // Stored once: the head's MatMulNBits and the lookup's Reshape read the same packed initializer.
      const packed = model.graph!.initializer.filter((t) => t.name!.startsWith('model.transformer.wte.weight_int4') && t.data_type === 2);
      expect(packed).toHaveLength(1);
      expect(readersOf(model, packed[0]!.name!)).toEqual(['MatMulNBits', 'Reshape']);
      expect(model.graph!.initializer.some((t) => t.name === 'model.transformer.wte.weight')).toBe(false);
    }
    for (const backend of [nodeBackend, webNodeBackend]) {
      const ratio = (await perplexityOf(backend, lm, bytes, texts)) / (await perplexityOf(backend, lm, fp32, texts));
      expect(ratio, backend.name).toBeLessThanOrEqual(maxRatio);
    }
  });

  it('embeddingBits 8 keeps tables int8 (per-row scales), and a width that is not whole blocks stays int8', async () => {
    const lm = await loadLm('llama-sotu');
    const model = decodeModel(lm.folder.modelBytes).model;
    const int8 = quantizeWeightsInt4(model, { embeddingBits: 8 });
    expect(opCounts(int8.model)['com.microsoft.GatherBlockQuantized']).toBeUndefined();
    // The hidden width is 64: blocks of 128 do not divide it, so the table is passed over, with the reason.
    const wide = quantizeWeightsInt4(model, { blockSize: 128 });
    expect(opCounts(wide.model)['com.microsoft.GatherBlockQuantized']).toBeUndefined();
    expect(wide.report.skipped.find((s) => s.name === 'model.model.embed_tokens.weight')?.reason).toMatch(/width 64 is not a multiple of the block size 128/);
    expect(() => quantizeWeightsInt4(model, { embeddingBits: 2 as never })).toThrow(/embedding bits must be 4 or 8/);
  });
});
