import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseJobSpec, type CompressSpec } from '../jobs/jobSpec';
import type { InferenceBackend } from '@pare/runtime';
import { nodeBackend, nodeInt8ProductsSaturate } from '@pare/runtime/node';
import { webNodeBackend } from '@pare/runtime/web-node';
import { recordingContext } from '../../test/recordingContext';
import { tinyFixture } from '../../test/tinyDataset';
import { tinyMlpBytes } from '../../test/tinyClassifier';
import { compress } from './compress';

// The compress handler runs the real @pare/compress pipeline; the result must load and agree with fp32.

const fixture = tinyFixture(16);
const mlp = join(fixture.dir, 'mlp.onnx');
writeFileSync(mlp, tinyMlpBytes());

async function logits(backend: InferenceBackend, model: Uint8Array, x: number[]): Promise<number[]> {
  const session = await backend.createSession(model);
  const out = await session.run({ x: { type: 'float32', data: Float32Array.from(x), dims: [1, 4] } });
  await session.release();
  return Array.from(out.logits!.data as Float32Array);
}

describe('compress', () => {
  for (const options of [{ quantize: 'int8-dynamic' }, { quantize: 'int8-static' }]) {
    // onnxruntime-node's u8 × s8 kernels saturate on x86 CPUs without VNNI: 0.144 measured there (logits up to 1.7).
    // int8-dynamic stores uint8 weights (u8 × u8 products, exact on every CPU); static QDQ's weights are int8.
    const saturable = options.quantize === 'int8-static';
    test(`${options.quantize} writes a model that onnxruntime-node and -web run, close to fp32${saturable ? ' (node within 0.25 on a saturating CPU)' : ''}`, async () => {
      const spec = parseJobSpec({ type: 'compress', model: mlp, options, ...(options.quantize === 'int8-static' ? { calibration: fixture.data } : {}) }) as CompressSpec;
      const ctx = recordingContext();
      const result = await compress(spec, ctx);
      expect(result.artifacts).toEqual(['model.onnx', 'report.json']);
      const compressed = new Uint8Array(readFileSync(join(ctx.artifactsDir, 'model.onnx')));
      expect(result.metrics.bytesAfter).toBe(compressed.byteLength);
      const original = new Uint8Array(readFileSync(mlp));
      const nodeBound = saturable && (await nodeInt8ProductsSaturate()) ? 0.25 : 0.05;
      for (const [backend, bound] of [[nodeBackend, nodeBound], [webNodeBackend, 0.05]] as const) {
        for (const x of fixture.examples.slice(0, 5)) {
          const [a, b] = await Promise.all([logits(backend, original, x), logits(backend, compressed, x)]);
          a.forEach((v, i) => expect(Math.abs(v - b[i]!), backend.name).toBeLessThan(bound));
        }
      }
      expect(ctx.progressSeen.at(-1)).toBe(1);
      const report = JSON.parse(readFileSync(join(ctx.artifactsDir, 'report.json'), 'utf8'));
      const quantized = report.steps.find((s: { step: string }) => s.step === `quantize-${options.quantize}`);
      expect(quantized.report.tensors.map((t: { name: string }) => t.name), JSON.stringify(quantized.report.skipped)).toContain('W1');
      expect((result.metrics.steps as Array<{ step: string }>).map((s) => s.step)).toContain(`quantize-${options.quantize}`);
    });
  }

  test('int8-weights with calibration examples corrects each layer\'s bias from their input means, unless told not to', async () => {
    const notes = async (options: Record<string, unknown>) => {
      const spec = parseJobSpec({ type: 'compress', model: mlp, options: { quantize: 'int8-weights', ...options }, calibration: fixture.data }) as CompressSpec;
      const ctx = recordingContext();
      await compress(spec, ctx);
      const report = JSON.parse(readFileSync(join(ctx.artifactsDir, 'report.json'), 'utf8'));
      return report.steps.find((s: { step: string }) => s.step === 'quantize-int8-weights').report.notes.join(' ') as string;
    };
    expect(await notes({})).toMatch(/Bias correction: \d+ node\(s\)/);
    expect(await notes({ biasCorrection: false })).not.toMatch(/Bias correction/);
  });

  test('bad compression options are refused at submission, naming options', () => {
    expect(() => parseJobSpec({ type: 'compress', model: 'm.onnx', options: { quantize: 'int3' } })).toThrow(/options: Unknown quantization mode "int3"/);
    expect(() => parseJobSpec({ type: 'compress', model: 'm.onnx', options: { quantize: 'int8-static' } })).toThrow(/calibration: int8-static needs calibration/);
  });

  test('misspelt or mistyped compression options are refused, not ignored', () => {
    // `sparsty` would otherwise compress nothing and succeed; a string `exclude` would match single characters.
    expect(() => parseJobSpec({ type: 'compress', model: 'm.onnx', options: { sparsty: 0.5 } })).toThrow(/options\.sparsty/);
    expect(() => parseJobSpec({ type: 'compress', model: 'm.onnx', options: { quantize: 'int8-dynamic', exclude: 'W1' } })).toThrow(/options\.exclude/);
    expect(() => parseJobSpec({ type: 'compress', model: 'm.onnx', options: { quantize: 'int8-dynamic', perChannel: 'yes' } })).toThrow(/options\.perChannel/);
    expect(() => parseJobSpec({ type: 'distill', variants: [{ variant: 'student-int8', options: { quantise: 'int8-dynamic' } }] })).toThrow(/variants\.0\.options\.quantise/);
  });
});
