import { describe, expect, it } from 'vitest';
import { encodeModel, GraphBuilder } from '@pare/onnx';
import { calibrate } from './calibrate';
import { calibrationModel } from './calibrationModel';
import { staticActivationNames } from '../quantize/staticTargets';
import { convNet } from '../../test/builtModels';
import { floatFeed, backends, runModel } from '../../test/runtimes';

function tiny() {
  const b = new GraphBuilder('tiny', { opset: 13 });
  const x = b.input('x', 'float32', [1, 4]);
  const w = b.initializer('w', 'float32', [4, 2], [1, 0, 0, 1, 1, 0, 0, -1]);
  const h = b.node('MatMul', [x, w], { outputs: ['h'] })[0]!;
  const y = b.node('Relu', [h], { outputs: ['y'] })[0]!;
  b.output(y, 'float32', [1, 2]);
  return b.build();
}

describe('calibration', () => {
  it('calibrationModel exposes intermediate values as outputs without touching the input model', async () => {
    const model = tiny();
    const cal = calibrationModel(model, ['h', 'y']);
    expect(cal.graph!.output.map((o) => o.name)).toEqual(['y', 'h']);
    expect(model.graph!.output).toHaveLength(1);
    const [out] = await runModel('node', encodeModel(cal), [{ x: { type: 'float32', data: Float32Array.of(1, 2, 3, 4), dims: [1, 4] } }]);
    expect(Array.from(out!.h!.data)).toEqual([4, -2]); // [1+3, 2-4]
    expect(Array.from(out!.y!.data)).toEqual([4, 0]);
  });

  it('calibrate loads the calibration model once for all samples and returns a range per observed value', async () => {
    const model = tiny();
    let calls = 0;
    const ranges = await calibrate(model, [
      { x: { type: 'float32', data: Float32Array.of(1, 2, 3, 4), dims: [1, 4] } },
      { x: { type: 'float32', data: Float32Array.of(-1, 0, 0, 0), dims: [1, 4] } },
    ], { name: 'counting', createSession: (bytes) => { calls++; return backends.node.createSession(bytes); } }, { minElements: 1 });
    expect(calls).toBe(1);
    // MatMul input x and output h are what the static pass quantizes (y is the graph output: left fp32).
    expect(ranges).toEqual({ x: { min: -1, max: 4 }, h: { min: -2, max: 4 } });
  });

  it('observes, by default, the activations the static pass needs', async () => {
    const model = convNet();
    const names = staticActivationNames(model);
    const ranges = await calibrate(model, [floatFeed('x', [1, 3, 32, 32], 1)], backends.node, { method: 'percentile', percentile: 99.9 });
    expect(Object.keys(ranges).sort()).toEqual([...names].sort());
    expect(names).toContain('x');
    for (const r of Object.values(ranges)) expect(r.min).toBeLessThanOrEqual(r.max);
  });
});
