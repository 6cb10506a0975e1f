import { describe, expect, it } from 'vitest';
import type { Manifest } from '@pare/runtime';
import { interfaceDifference } from './variantInterface';

function manifest(overrides: Partial<Manifest>): Manifest {
  return {
    model: 'm', variant: 'v', task: 'text-classification',
    inputs: [{ name: 'input_ids', dtype: 'int64', shape: ['batch', 8] }],
    outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 2] }],
    postprocess: { labels: ['ham', 'spam'] },
    ...overrides,
  } as Manifest;
}

describe('interfaceDifference', () => {
  it('finds nothing between variants a caller cannot tell apart', () => {
    expect(interfaceDifference(manifest({}), manifest({ variant: 'w' }))).toBeUndefined();
    // Symbolic and fixed sizes agree; names of symbolic dimensions do not matter.
    expect(interfaceDifference(manifest({ inputs: [{ name: 'input_ids', dtype: 'int64', shape: ['n', 'sequence'] }] }), manifest({}))).toBeUndefined();
    expect(interfaceDifference(manifest({ outputs: [{ name: 'logits', dtype: 'float32', shape: [1, 2] }] }), manifest({}))).toBeUndefined();
  });

  it('names the first difference: inputs, then outputs, then labels', () => {
    expect(interfaceDifference(manifest({ inputs: [{ name: 'ids', dtype: 'int64', shape: ['batch', 8] }] }), manifest({}))).toBe('inputs ids instead of input_ids');
    expect(interfaceDifference(manifest({ inputs: [{ name: 'input_ids', dtype: 'int32', shape: ['batch', 8] }] }), manifest({}))).toBe('input "input_ids" is int32 instead of int64');
    expect(interfaceDifference(manifest({ inputs: [{ name: 'input_ids', dtype: 'int64', shape: ['batch', 16] }] }), manifest({}))).toBe('input "input_ids" has shape [batch, 16] instead of [batch, 8]');
    expect(interfaceDifference(manifest({ outputs: [{ name: 'scores', dtype: 'float32', shape: ['batch', 2] }] }), manifest({}))).toBe('outputs scores instead of logits');
    expect(interfaceDifference(manifest({ outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch'] }] }), manifest({}))).toBe('output "logits" has shape [batch] instead of [batch, 2]');
    expect(interfaceDifference(manifest({ postprocess: { labels: ['spam', 'ham'] } } as Partial<Manifest>), manifest({}))).toBe('labels [spam, ham] instead of [ham, spam]');
  });
});
