// The codec against real pre-trained models: byte-exact round trips and structure. That their outputs in
// onnxruntime stay identical is checked in packages/runtime/test/encodedModels.test.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { realModels, type RealModelName } from './fixtures';
import { decodeModel, encodeModel } from '../src/codec';
import { constantsToInitializers } from '../src/constantsToInitializers';
import { allGraphs } from '../src/graphWalk';

describe.each(Object.keys(realModels) as RealModelName[])('real model %s', (name) => {
  const original = readFileSync(realModels[name]);

  it('decodes with nothing unknown and re-encodes to the same bytes', () => {
    const { model, unknownFields, inexactIntegers } = decodeModel(original);
    expect(unknownFields).toEqual([]);
    expect(inexactIntegers).toEqual([]);
    const again = encodeModel(model);
    expect(again.byteLength).toBe(original.byteLength);
    expect(Buffer.compare(Buffer.from(again), original)).toBe(0);
  });
});

describe('Constant nodes → initializers on real models', () => {
  it.each(['wakeWord', 'ocrCls'] as const)('%s has every Constant moved, the input untouched', (name) => {
    const original = readFileSync(realModels[name]);
    const { model } = decodeModel(original);
    const constants = model.graph!.node.filter((n) => n.op_type === 'Constant').length;
    const { model: moved, report } = constantsToInitializers(model);
    expect(constants).toBeGreaterThan(0);
    expect(report.moved).toHaveLength(constants);
    expect(moved.graph!.node.some((n) => n.op_type === 'Constant')).toBe(false);
    expect(moved.graph!.initializer).toHaveLength(model.graph!.initializer.length + constants);
    expect(model.graph!.node.filter((n) => n.op_type === 'Constant')).toHaveLength(constants); // input untouched
  });
});

describe('subgraphs of silero VAD', () => {
  it('are all walked: two If bodies at the top, each holding four nested Ifs', () => {
    const { model } = decodeModel(readFileSync(realModels.sileroVad));
    const graphs = allGraphs(model);
    const ifs = graphs.flatMap(({ graph }) => graph.node.filter((n) => n.op_type === 'If'));
    expect(graphs[0]!.path).toBe('main');
    expect(graphs).toHaveLength(1 + ifs.length * 2);
    expect(graphs.filter((g) => g.depth === 1).map((g) => g.path).sort()).toEqual(['main/If_25.else_branch', 'main/If_25.then_branch']);
    expect(graphs.filter((g) => g.depth === 2)).toHaveLength(16);
    // The LSTMs (the weights that matter) live only inside the subgraphs.
    expect(graphs[0]!.graph.node.some((n) => n.op_type === 'LSTM')).toBe(false);
    expect(graphs.slice(1).flatMap((g) => g.graph.node).filter((n) => n.op_type === 'LSTM')).toHaveLength(8);
  });
});
