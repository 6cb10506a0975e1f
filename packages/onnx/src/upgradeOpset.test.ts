import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { PareError } from '@pare/errors';
import { decodeModel } from './codec';
import { GraphBuilder } from './graphBuilder';
import { opsetVersion } from './graphWalk';
import { upgradeOpset } from './upgradeOpset';
import { realModels } from '../test/fixtures';
import { opset9Model } from '../test/opset9Model';

// That the upgraded graphs give the same outputs in onnxruntime is checked in packages/runtime/test/encodedModels.test.ts.
describe('upgradeOpset', () => {
  it('rewrites every opset-9 operator whose signature changed by 13', () => {
    const model = opset9Model();
    const { model: up, report } = upgradeOpset(model, 13);
    expect(opsetVersion(up)).toBe(13);
    expect(opsetVersion(model)).toBe(9); // the input is not touched
    expect(report.rewritten).toMatchObject({ Slice: 1, Clip: 1, Softmax: 1, Unsqueeze: 2, Squeeze: 1, Split: 1, Pad: 1, ReduceSum: 1, Upsample: 1 });
  });

  it('upgrades PP-OCRv4 rec from opset 9 to 13', () => {
    const model = decodeModel(readFileSync(realModels.ocrRec)).model;
    const { model: up, report } = upgradeOpset(model);
    expect(report).toMatchObject({ from: 9, to: 13 });
    expect(opsetVersion(up)).toBe(13);
  });

  it('refuses operators whose change it does not know, by name, and targets above 13', () => {
    const b = new GraphBuilder('old', { opset: 9 });
    const x = b.input('x', 'float32', [4]);
    b.output(b.op('Scatter', [x, b.initializer('i', 'int64', [1], [0]), b.initializer('u', 'float32', [1], [1])]), 'float32', [4]);
    expect(() => upgradeOpset(b.build(), 13)).toThrow(expect.objectContaining({ code: 'opset_upgrade_unsupported', message: expect.stringMatching(/Cannot upgrade operator Scatter/) }));
    expect(() => upgradeOpset(opset9Model(), 17)).toThrow(PareError);
  });
});
