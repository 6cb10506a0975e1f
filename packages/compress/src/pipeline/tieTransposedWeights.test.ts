// The GPT-2 fixture (packages/runtime/test/fixtures/lm) is exported with its LM head as a constant-folded
// transpose of the token embedding: after the pass the file holds the table once, gives the same logits, and
// every weight form quantizes the one table (the head stays tied to it, in 4 bits too: quantize/embeddingInt4.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, type Model } from '@pare/onnx';
import type { Feeds } from '@pare/runtime';
import { runModel } from '../../test/runtimes';
import { compressModel } from './compressModel';
import { tieTransposedWeights } from './tieTransposedWeights';

const GPT2 = join(import.meta.dirname, '../../../runtime/test/fixtures/lm/gpt2-sotu-nocache/model.onnx');
const bytes = new Uint8Array(readFileSync(GPT2));
const load = (): Model => decodeModel(bytes).model;
const feeds: Feeds[] = [[5, 80, 300, 1200, 17, 9], [2047, 0, 64]].map((ids) => ({
  input_ids: { type: 'int64', dims: [1, ids.length], data: BigInt64Array.from(ids.map(BigInt)) },
  attention_mask: { type: 'int64', dims: [1, ids.length], data: new BigInt64Array(ids.length).fill(1n) },
}));
const tables = (m: Model) => m.graph!.initializer.filter((t) => t.dims.map(Number).includes(2048)).map((t) => `${t.name} [${t.dims.join(',')}]`);

describe('tieTransposedWeights', () => {
  it('reads the LM head as Transpose(embedding): one table in the file, the same logits', async () => {
    const model = load();
    const encoded = encodeModel(model);
    expect(tables(model)).toHaveLength(2);
    const { model: tied, report } = tieTransposedWeights(model);
    expect(tables(tied)).toEqual(['model.transformer.wte.weight [2048,64]']);
    expect(report.notes[0]).toMatch(/^1 weight\(s\) found to be the transpose/);
    const out = encodeModel(tied);
    expect(bytes.byteLength - out.byteLength).toBeGreaterThan(2048 * 64 * 4 - 1024);
    const [before, after] = [await runModel('web', bytes, feeds), await runModel('web', out, feeds)];
    after.forEach((o, i) => expect(Buffer.compare(Buffer.from(o['logits']!.data.buffer), Buffer.from(before[i]!['logits']!.data.buffer))).toBe(0));
    expect(Buffer.compare(encodeModel(model), encoded)).toBe(0); // pure
  });

  it('leaves a model with nothing tied as it is', () => {
    const { model } = tieTransposedWeights(load());
    expect(tieTransposedWeights(model).model).toBe(model);
  });

  it('keeps the tie through int8 and 4-bit weights: the table is stored once, in int8 or 4-bit', async () => {
    for (const quantize of ['int8-weights', 'int4-weights'] as const) {
      const { model } = await compressModel(load(), { quantize });
      const names = tables(model);
      if (quantize === 'int8-weights') {
        expect(names).toHaveLength(1);
        expect(model.graph!.initializer.find((t) => t.dims.map(Number).includes(2048))!.data_type).toBe(3); // INT8
      } else {
        // Packed codes in MatMulNBits' layout (read by the head and, reshaped, by the lookup) and their scales.
        expect(names).toEqual(['model.transformer.wte.weight_int4 [2048,2,16]', 'model.transformer.wte.weight_int4_scale [2048,2]']);
      }
      const out = encodeModel(model);
      const [fp32, q] = [await runModel('web', bytes, feeds), await runModel('web', out, feeds)];
      // The most probable next token stays the same at nearly every position.
      let same = 0, total = 0;
      q.forEach((o, i) => {
        const a = fp32[i]!['logits']!, b = o['logits']!;
        const vocab = a.dims.at(-1)!;
        for (let p = 0; p < a.data.length / vocab; p++) {
          const argmax = (d: Float32Array) => d.subarray(p * vocab, (p + 1) * vocab).reduce((best, v, j, row) => (v > row[best]! ? j : best), 0);
          total++;
          if (argmax(a.data) === argmax(b.data)) same++;
        }
      });
      expect(same / total, quantize).toBeGreaterThanOrEqual(0.75);
    }
  });
});
