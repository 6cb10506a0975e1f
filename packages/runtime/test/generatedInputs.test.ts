// Generated inputs that respect the graph: kernel-long audio axes, stride-surviving sides, ids inside their
// table, and a retry with larger shapes when a need hides behind an operator the walk does not follow.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { decodeModel, encodeModel, GraphBuilder, type Model } from '@pare/onnx';
import { realModels } from '../../onnx/test/fixtures';
import { audioFrontEnd } from '../../onnx/test/audioFrontEnd';
import { nodeBackend } from '../src/node/index';
import { generateInputs } from '../src/inputs/generateInputs';
import { inputHints } from '../src/inputs/inputHints';
import { generatedInputsThatRun } from '../src/inputs/generatedInputsThatRun';

const floats = (n: number, scale = 0.01) => Float32Array.from({ length: n }, (_, i) => Math.sin(i) * scale);

/** Token ids → a 50-row embedding table → mean → a tiny head. */
function embedding(): Model {
  const b = new GraphBuilder('embed', { opset: 17 });
  const ids = b.input('ids', 'int64', [1, 'tokens']);
  const table = b.initializer('table', 'float32', [50, 8], floats(400, 1));
  const e = b.op('Gather', [table, ids], { axis: 0 });
  b.output(b.op('ReduceMean', [e], { axes: [1], keepdims: 0 }), 'float32', [1, 8]);
  return b.build();
}

/** A 100-tap conv behind an operator the walk does not follow: only a trial run finds the need. */
function hiddenNeed(taps: number): Model {
  const b = new GraphBuilder('hidden', { opset: 17 });
  const x = b.input('x', 'float32', [1, 1, 'n']);
  const w = b.initializer('w', 'float32', [2, 1, taps], floats(2 * taps));
  b.output(b.op('Conv', [b.op('ThresholdedRelu', [x]), w]), 'float32', [1, 2, 'm']);
  return b.build();
}

async function session(model: Model) {
  return nodeBackend.createSession(encodeModel(model));
}

describe('inputHints', () => {
  it('makes a sample axis at least as long as the conv that consumes it, on a multiple of its hops', async () => {
    const model = audioFrontEnd();
    const hints = inputHints(model);
    // 512 taps, then 3 taps at hop 160: 512 + 160 × (3 − 2)... the second conv needs 3 frames, i.e. 832 samples.
    expect(hints.inputs.audio!.minDims[1]).toBe(512 + 160 * 2);
    expect(hints.inputs.audio!.multiples[1]).toBe(320);
    const s = await session(model);
    try {
      const [sample] = generateInputs(s.inputs, { hints, count: 1 });
      // At least 7 frames at the deepest hop (7 × 320), so padding does not dominate what the last conv sees.
      expect(sample!.audio!.dims).toEqual([1, 2240]);
      const out = await s.run(sample!);
      expect(Object.values(out)[0]!.dims[2]).toBeGreaterThanOrEqual(1);
    } finally {
      await s.release();
    }
  });

  it('keeps integer inputs inside the table they index', async () => {
    const model = embedding();
    const hints = inputHints(model);
    expect(hints.inputs.ids!.intRange).toEqual([0, 50]);
    const s = await session(model);
    try {
      const samples = generateInputs(s.inputs, { hints, count: 3 });
      const ids = samples.flatMap((f) => Array.from(f.ids!.data as BigInt64Array, Number));
      expect(Math.max(...ids)).toBeLessThan(50);
      expect(Math.max(...ids)).toBeGreaterThan(20);
      for (const f of samples) await s.run(f);
    } finally {
      await s.release();
    }
  });

  it('gives an integer input the value the graph compares it with (a sample-rate switch)', () => {
    const b = new GraphBuilder('rate', { opset: 17 });
    const sr = b.input('sr', 'int64', []);
    const rate = b.initializer('rate', 'int64', [], BigInt64Array.from([16000n]));
    b.output(b.op('Cast', [b.op('Equal', [sr, rate])], { to: 1 }), 'float32', []);
    const hints = inputHints(b.build());
    expect(hints.inputs.sr!.intValue).toBe(16000);
    const [sample] = generateInputs([{ name: 'sr', type: 'int64', shape: [] }], { hints, count: 1 });
    expect(sample!.sr!.data).toEqual(BigInt64Array.from([16000n]));
  });

  it('takes named dimensions from the model metadata', () => {
    const model = audioFrontEnd();
    model.metadata_props.push({ key: 'samples', value: '16000' });
    expect(inputHints(model).dims).toEqual({ samples: 16000 });
    const [sample] = generateInputs([{ name: 'audio', type: 'float32', shape: ['batch', 'samples'] }], { hints: inputHints(model), count: 1 });
    expect(sample!.audio!.dims).toEqual([1, 16000]);
  });
});

describe('generateInputs with shared dimension names', () => {
  it('sizes a name that leads some input as a batch everywhere (recurrent state [2, batch, 64])', () => {
    const inputs = [
      { name: 'input', type: 'float32' as const, shape: ['batch', 'sequence'] },
      { name: 'h', type: 'float32' as const, shape: [2, 'batch', 64] },
    ];
    const [sample] = generateInputs(inputs, { count: 1, growth: 4 });
    expect(sample!.input!.dims).toEqual([1, 256]);
    expect(sample!.h!.dims).toEqual([2, 1, 64]);
  });
});

describe('generatedInputsThatRun', () => {
  it('retries with larger shapes when a run fails on the first ones', async () => {
    const model = hiddenNeed(100);
    const s = await session(model);
    try {
      const { samples, growth } = await generatedInputsThatRun(model, s, { count: 2 });
      expect(growth).toBe(2);
      expect(samples[0]!.x!.dims).toEqual([1, 1, 128]);
    } finally {
      await s.release();
    }
  });

  it('says evaluation could not run, with the shapes tried, when no size works', async () => {
    const model = hiddenNeed(1000);
    const s = await session(model);
    try {
      await expect(generatedInputsThatRun(model, s)).rejects.toMatchObject({
        code: 'eval_inputs_failed',
        message: expect.stringMatching(/does not run on generated inputs of any size tried.*x \[1×1×64\].*x \[1×1×512\]/),
      });
    } finally {
      await s.release();
    }
  });

  it.each(Object.entries(realModels))('finds inputs that run the real model %s', async (_name, file) => {
    const bytes = fs.readFileSync(file);
    const s = await nodeBackend.createSession(bytes);
    try {
      const { samples } = await generatedInputsThatRun(decodeModel(bytes).model, s, { count: 1 });
      for (const t of Object.values(samples[0]!)) expect(t.dims.every((d) => d >= 1)).toBe(true);
    } finally {
      await s.release();
    }
  });
});
