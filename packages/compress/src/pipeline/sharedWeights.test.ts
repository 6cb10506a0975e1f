// A weight shared by several layers (ALBERT reuses one layer's weights in every layer; torch exports the second
// use as Identity(weight)) is quantized once: every reader is rewritten, no fp32 copy stays beside the
// quantized one, and the per-reader copies are merged.
import { describe, expect, it } from 'vitest';
import { DataType, encodeModel, GraphBuilder, type Model } from '@pare/onnx';
import { floatFeed, minCosine, runModel, seededFloats } from '../../test/runtimes';
import { compressModel } from './compressModel';

/** x [b,128] → MatMul(W) → Relu → MatMul(Identity(W)) → Relu → MatMul(W) → MatMul(head). */
function sharedLayers(): Model {
  const b = new GraphBuilder('shared', { opset: 17 });
  const x = b.input('x', 'float32', ['batch', 128]);
  const w = b.initializer('layer.weight', 'float32', [128, 128], seededFloats(128 * 128, 3, 0.1));
  const head = b.initializer('head.weight', 'float32', [128, 4], seededFloats(128 * 4, 4, 0.1));
  const again = b.op('Identity', [w]);
  const h1 = b.op('Relu', [b.op('MatMul', [x, w])]);
  const h2 = b.op('Relu', [b.op('MatMul', [h1, again])]);
  const h3 = b.op('MatMul', [h2, w]);
  b.output(b.op('MatMul', [h3, head]), 'float32', ['batch', 4]);
  return b.build();
}

const floatWeights = (m: Model) => m.graph!.initializer.filter((t) => t.data_type === DataType.FLOAT && t.dims.length === 2);

describe('a weight read by several MatMuls', () => {
  const model = sharedLayers();
  const fp32Bytes = encodeModel(model).byteLength;
  const feeds = [floatFeed('x', [3, 128], 1)];

  it.each(['int8-dynamic', 'int4-weights'] as const)('%s stores it once and rewrites every reader', async (quantize) => {
    const { model: out, steps } = await compressModel(model, { quantize, perChannel: true });
    const notes = steps.flatMap((s) => s.report?.notes ?? []).join(' ');
    expect(notes).toMatch(/1 Identity node\(s\) of an initializer read through/);
    // Two repeats of the weight, each with its scales (and, for int8-dynamic's uint8 weights, zero points) merged.
    const merged = quantize === 'int8-dynamic' ? 6 : 4;
    expect(notes).toMatch(new RegExp(`${merged} duplicate (quantized|packed) tensors of weights read by several`));
    expect(floatWeights(out)).toEqual([]);
    expect(out.graph!.node.filter((n) => n.op_type === 'MatMul' || n.op_type === 'Identity')).toEqual([]);
    // One 128×128 weight and a 128×4 head: well under a third of fp32 for int8, under a fifth for 4-bit.
    expect(encodeModel(out).byteLength / fp32Bytes).toBeLessThan(quantize === 'int8-dynamic' ? 0.3 : 0.2);
    expect(minCosine(await runModel('web', encodeModel(model), feeds), await runModel('web', encodeModel(out), feeds))).toBeGreaterThan(0.99);
  });
});
