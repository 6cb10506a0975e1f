import { describe, expect, it } from 'vitest';
import { encodeModel, GraphBuilder, type Model } from '@pare/onnx';
import { realModels } from '../../../onnx/test/fixtures';
import { loadModel } from '../../test/inputs';
import { floatFeed, minCosine, runModel } from '../../test/runtimes';
import { compressModel } from './compressModel';
import { shareConstants } from './shareConstants';

/** x → Mul(3) → Add(3) → Div(6) → Mul(w), with each 3 its own initializer, as exporters write hard-swish. */
function duplicated(): Model {
  const b = new GraphBuilder('dups', { opset: 17 });
  const x = b.input('x', 'float32', ['batch', 4]);
  const three1 = b.initializer('three_a', 'float32', [], [3]);
  const three2 = b.initializer('three_b', 'float32', [], [3]);
  const threeInt = b.initializer('three_int', 'int32', [], [3]); // same value, other type: kept apart
  const six = b.initializer('six', 'float32', [], [6]);
  const h = b.op('Div', [b.op('Add', [b.op('Mul', [x, three1]), three2]), six]);
  b.output(b.op('Cast', [b.op('Add', [b.op('Cast', [h], { to: 6 }), threeInt])], { to: 1 }), 'float32', ['batch', 4]);
  return b.build();
}

describe('shareConstants', () => {
  it('reads identical constants from one initializer; other types and the caller’s model are left alone', async () => {
    const model = duplicated();
    const before = encodeModel(model);
    const { model: out, report } = shareConstants(model);
    expect(out.graph!.initializer.map((t) => t.name)).toEqual(['three_a', 'three_int', 'six']);
    expect(out.graph!.node.find((n) => n.op_type === 'Add')!.input).toContain('three_a');
    expect(report.notes[0]).toMatch(/^1 duplicate constant/);
    expect(encodeModel(model)).toEqual(before); // pure
    const feeds = [floatFeed('x', [2, 4], 1)];
    expect(minCosine(await runModel('node', before, feeds), await runModel('node', encodeModel(out), feeds))).toBe(1);
  });

  it('keeps an initializer that is also a graph input (an overridable default) as it is', () => {
    const model = duplicated();
    model.graph!.input.push({ name: 'three_b', type: model.graph!.input[0]!.type, doc_string: '', metadata_props: [] } as never);
    expect(shareConstants(model).model.graph!.initializer.map((t) => t.name)).toContain('three_b');
  });

  it('PP-OCRv4 det: the pipeline shares its 101 duplicate scalars, outputs unchanged', async () => {
    const model = loadModel(realModels.ocrDet);
    const { model: out, steps } = await compressModel(model, {});
    expect(steps[0]!.report!.notes.join(' ')).toMatch(/101 duplicate constant/);
    const feeds = [floatFeed('x', [1, 3, 64, 64], 2)];
    expect(minCosine(await runModel('node', encodeModel(model), feeds), await runModel('node', encodeModel(out), feeds))).toBeGreaterThan(0.999999);
  });
});
