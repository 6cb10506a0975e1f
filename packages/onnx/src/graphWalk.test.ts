import { describe, expect, it } from 'vitest';
import { allGraphs, opCounts, opsetVersion } from './graphWalk';
import { GraphBuilder } from './graphBuilder';
import { requireOpset } from './requireOpset';
import { PareError } from '@pare/errors';

/** A model whose If has a then-branch holding a nested If, and a com.microsoft op. */
function nested() {
  const leaf = (name: string) => {
    const b = new GraphBuilder(name);
    b.output(b.op('Identity', ['x']), 'float32', [1]);
    return b.graph();
  };
  const inner = new GraphBuilder('then');
  inner.node('If', ['cond'], { name: 'inner_if', outputs: ['t'], attributes: { then_branch: leaf('a'), else_branch: leaf('b') } });
  inner.output('t', 'float32', [1]);
  const m = new GraphBuilder('main', { opset: 13, domains: { 'com.microsoft': 1 } });
  m.input('x', 'float32', [1]);
  m.input('cond', 'bool', []);
  m.node('If', ['cond'], { name: 'outer_if', outputs: ['y'], attributes: { then_branch: inner.graph(), else_branch: leaf('c') } });
  m.node('FusedMatMul', ['y', 'y'], { domain: 'com.microsoft', outputs: ['z'] });
  m.output('z', 'float32', [1]);
  return m.build();
}

describe('allGraphs', () => {
  it('walks every subgraph depth-first with a path to each', () => {
    expect(allGraphs(nested()).map((g) => [g.path, g.depth])).toEqual([
      ['main', 0],
      ['main/outer_if.then_branch', 1],
      ['main/outer_if.then_branch/inner_if.then_branch', 2],
      ['main/outer_if.then_branch/inner_if.else_branch', 2],
      ['main/outer_if.else_branch', 1],
    ]);
  });
});

describe('opCounts', () => {
  it('counts ops in subgraphs too and qualifies non-default domains', () => {
    expect(opCounts(nested())).toEqual({ If: 2, Identity: 3, 'com.microsoft.FusedMatMul': 1 });
  });
});

describe('opsetVersion and requireOpset', () => {
  const model = nested();

  it('looks up the default domain by "" or "ai.onnx", and other domains by name', () => {
    expect(opsetVersion(model)).toBe(13);
    expect(opsetVersion(model, 'ai.onnx')).toBe(13);
    expect(opsetVersion(model, 'com.microsoft')).toBe(1);
    expect(opsetVersion(model, 'ai.onnx.ml')).toBeUndefined();
  });

  it('passes a new enough model', () => {
    expect(() => requireOpset(model, 13, 'per-channel int8 quantization')).not.toThrow();
  });

  it('refuses an old one with what needs it, both versions, and how to convert', () => {
    let error: PareError | undefined;
    try { requireOpset(model, 21, 'int4 weight quantization'); } catch (e) { error = e as PareError; }
    expect(error).toBeInstanceOf(PareError);
    expect(error!.code).toBe('opset_too_old');
    expect(error!.message).toMatch(/^int4 weight quantization needs opset 21 or newer of the default ONNX domain; this model uses opset 13\./);
    expect(error!.message).toMatch(/version_converter\.convert_version\(.*21\)/);
    expect(error!.details).toEqual({ domain: '', required: 21, found: 13 });
  });

  it('refuses a model that imports no opset for the domain', () => {
    expect(() => requireOpset(model, 1, 'tree ensembles', 'ai.onnx.ml')).toThrow(/domain "ai\.onnx\.ml", but the model imports no opset for it/);
  });
});
