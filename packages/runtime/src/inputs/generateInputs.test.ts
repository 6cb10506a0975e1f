import { describe, expect, it } from 'vitest';
import { generateInputs, resolveShape } from './generateInputs';
import { formatInputsFile, parseInputsFile } from './inputsFile';
import type { ValueInfo } from '../backend/inferenceBackend';

const inputs: ValueInfo[] = [
  { name: 'x', type: 'float32', shape: ['batch', 3, 'h', 'w'] },
  { name: 'ids', type: 'int64', shape: [1, 'seq'] },
];

describe('generateInputs', () => {
  it('is deterministic for a seed and respects dtypes and dims', () => {
    const a = generateInputs(inputs, { seed: 7, count: 2, dims: { h: 8 } });
    const b = generateInputs(inputs, { seed: 7, count: 2, dims: { h: 8 } });
    expect(a[0]!.x!.dims).toEqual([1, 3, 8, 64]);
    expect(a[0]!.x!.data).toBeInstanceOf(Float32Array);
    expect(a[1]!.ids!.data).toBeInstanceOf(BigInt64Array);
    expect(Array.from(a[1]!.x!.data as Float32Array)).toEqual(Array.from(b[1]!.x!.data as Float32Array));
    expect(a[0]!.x!.data[0]).not.toEqual(a[1]!.x!.data[0]);
    for (const v of a[0]!.x!.data as Float32Array) expect(Math.abs(v)).toBeLessThanOrEqual(1);
  });

  it('takes whole shapes by input name', () => {
    expect(resolveShape(inputs[0]!, { shapes: { x: [2, 3, 4, 5] } })).toEqual([2, 3, 4, 5]);
  });
});

describe('inputs file', () => {
  it('round-trips samples and labels', () => {
    const samples = generateInputs(inputs, { count: 2, dims: { h: 2, w: 2, seq: 3 } });
    const parsed = parseInputsFile(formatInputsFile({ samples, labels: [1, 0] }), inputs);
    expect(parsed.labels).toEqual([1, 0]);
    expect(parsed.samples[1]!.ids!.data).toEqual(samples[1]!.ids!.data);
    expect(parsed.samples[0]!.x!.dims).toEqual([1, 3, 2, 2]);
  });

  it('names the sample and input that are wrong', () => {
    const bad = JSON.stringify({ samples: [{ x: { dims: [1, 4, 2, 2], data: new Array(16).fill(0) }, ids: { dims: [1, 1], data: [1] } }] });
    expect(() => parseInputsFile(bad, inputs)).toThrow(/Sample 0, input "x": dimension 1 is 4; the model fixes it to 3/);
    expect(() => parseInputsFile('{"samples": []}', inputs)).toThrow(/expected form at "samples"/);
    expect(() => parseInputsFile('nope', inputs)).toThrow(/not valid JSON/);
    const missing = JSON.stringify({ samples: [{ x: { dims: [1, 3, 1, 1], data: [0, 0, 0] } }] });
    expect(() => parseInputsFile(missing, inputs)).toThrow(/lacks input "ids"/);
  });

  it('refuses an element type it does not know instead of handing the runtime no data', () => {
    const typo = JSON.stringify({ samples: [{ x: { type: 'float', dims: [1, 3, 1, 1], data: [0, 0, 0] }, ids: { dims: [1, 1], data: [1] } }] });
    expect(() => parseInputsFile(typo, inputs)).toThrow(/Sample 0, input "x": .*"float".*float32/);
  });
});
