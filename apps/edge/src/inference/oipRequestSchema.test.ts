import { describe, expect, it } from 'vitest';
import { parseOipRequestJson } from './oipRequestSchema';

const input = { name: 'input', shape: [1, 2], datatype: 'FP32', data: [1, 2] };

function messageOf(value: unknown): string {
  try {
    parseOipRequestJson(value);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('accepted');
}

describe('parseOipRequestJson', () => {
  it('names the first wrong field as the protocol docs do', () => {
    expect(messageOf({})).toBe('"inputs" must be a non-empty array of {name, shape, datatype, data}.');
    expect(messageOf({ inputs: [] })).toBe('"inputs" must be a non-empty array of {name, shape, datatype, data}.');
    expect(messageOf({ inputs: [input], id: 7 })).toBe('"id" must be a string.');
    expect(messageOf({ inputs: [{ ...input, name: 1 }] })).toBe('inputs[0].name must be a string.');
    expect(messageOf({ inputs: [input, { ...input, shape: [1, -2] }] })).toBe('inputs[1].shape must be an array of non-negative integers.');
    expect(messageOf({ inputs: [{ ...input, datatype: null }] })).toBe('inputs[0].datatype must be a string such as "FP32".');
    expect(messageOf({ inputs: [{ ...input, parameters: { binary_data_size: 1.5 } }] })).toBe('inputs[0].parameters.binary_data_size must be a non-negative integer.');
    expect(messageOf({ inputs: [input], outputs: {} })).toBe('"outputs" must be an array of {name}.');
    expect(messageOf({ inputs: [input], outputs: [{ name: 'y', parameters: { binary_data: 'yes' } }] })).toBe('outputs[0].parameters.binary_data must be true or false.');
    expect(messageOf({ inputs: [input], parameters: { binary_data_output: 1 } })).toBe('parameters.binary_data_output must be true or false.');
  });

  it('keeps the fields it knows and lets other parameters through', () => {
    const parsed = parseOipRequestJson({ id: 'r', inputs: [{ ...input, parameters: { binary_data_size: 8, other: 1 } }], parameters: { binary_data_output: true, priority: 2 } });
    expect(parsed.inputs[0]!.parameters?.binary_data_size).toBe(8);
    expect(parsed.parameters?.binary_data_output).toBe(true);
  });
});
