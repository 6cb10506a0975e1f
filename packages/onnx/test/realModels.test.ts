// The codec against real pre-trained models: byte-exact round trips, and outputs from onnxruntime that are
// identical before and after decode → encode and after moving Constant weights into initializers.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { realModels, type RealModelName } from './fixtures';
import { feedsFor, ort, runModel, type DimChoices } from './ortRun';
import { decodeModel, encodeModel } from '../src/codec';
import { constantsToInitializers } from '../src/constantsToInitializers';
import { allGraphs } from '../src/graphWalk';

/** Input sizes each model accepts (multiples of its strides); symbolic dims elsewhere are 1. */
const DIMS: Record<RealModelName, DimChoices> = {
  ocrDet: { x: [1, 3, 64, 64] },
  ocrRec: { x: [1, 3, 48, 64] },
  ocrCls: { x: [1, 3, 48, 96] },
  wakeWord: {},
  sileroVad: { input: [1, 512], h: [2, 1, 64], c: [2, 1, 64] },
};

const sr = (rate: number): Record<string, ort.Tensor> => ({ sr: new ort.Tensor('int64', BigInt64Array.from([BigInt(rate)]), []) });

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

  it('gives identical onnxruntime outputs after decode → encode', async () => {
    const { model } = decodeModel(original);
    const roundTripped = encodeModel(decodeModel(encodeModel(model)).model);
    const rates = name === 'sileroVad' ? [16000, 8000] : [0]; // both If branches of silero
    for (const rate of rates) {
      const feeds = feedsFor(model, DIMS[name], rate ? sr(rate) : {});
      const before = await runModel(original, feeds);
      const after = await runModel(roundTripped, feeds);
      expect(Object.keys(after).sort()).toEqual(model.graph!.output.map((o) => o.name).sort());
      expect(after).toEqual(before);
    }
  });
});

describe('Constant nodes → initializers on real models', () => {
  it.each(['wakeWord', 'ocrCls'] as const)('%s keeps identical outputs', async (name) => {
    const original = readFileSync(realModels[name]);
    const { model } = decodeModel(original);
    const constants = model.graph!.node.filter((n) => n.op_type === 'Constant').length;
    const { model: moved, report } = constantsToInitializers(model);
    expect(constants).toBeGreaterThan(0);
    expect(report.moved).toHaveLength(constants);
    expect(moved.graph!.node.some((n) => n.op_type === 'Constant')).toBe(false);
    expect(moved.graph!.initializer).toHaveLength(model.graph!.initializer.length + constants);
    expect(model.graph!.node.filter((n) => n.op_type === 'Constant')).toHaveLength(constants); // input untouched
    const feeds = feedsFor(model, DIMS[name]);
    expect(await runModel(encodeModel(moved), feeds)).toEqual(await runModel(original, feeds));
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
