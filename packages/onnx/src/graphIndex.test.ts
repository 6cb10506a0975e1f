import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PareError } from '@pare/errors';
import { indexGraph, outerNamesUsedBySubgraphs, topologicalOrder } from './graphIndex';
import { GraphBuilder } from './graphBuilder';
import { decodeModel } from './codec';
import type { Graph, Node } from './types';
import { realModels } from '../test/fixtures';

/** A diamond with a tail: x → a → (b, c) → d → e, plus an initializer feeding c. */
function diamond(): Graph {
  const g = new GraphBuilder('diamond');
  const x = g.input('x', 'float32', [4]);
  const w = g.initializer('w', 'float32', [4], [1, 2, 3, 4]);
  g.node('Relu', [x], { name: 'a', outputs: ['ya'] });
  g.node('Neg', ['ya'], { name: 'b', outputs: ['yb'] });
  g.node('Mul', ['ya', w], { name: 'c', outputs: ['yc'] });
  g.node('Add', ['yb', 'yc'], { name: 'd', outputs: ['yd'] });
  g.node('Sigmoid', ['yd'], { name: 'e', outputs: ['ye'] });
  g.output('ye', 'float32', [4]);
  return g.graph();
}

/** Deterministic Fisher-Yates shuffle. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Every node comes after the producers of everything it reads. */
function expectValidOrder(graph: Graph, order: Node[]): void {
  const { producer } = indexGraph(graph);
  const position = new Map(order.map((n, i) => [n, i]));
  expect(order).toHaveLength(graph.node.length);
  for (const node of order) {
    for (const input of [...node.input, ...outerNamesUsedBySubgraphs(node)]) {
      const p = producer.get(input);
      if (p && p !== node) expect(position.get(p)!).toBeLessThan(position.get(node)!);
    }
  }
}

describe('indexGraph', () => {
  it('knows producers, consumers, initializers and graph inputs/outputs', () => {
    const graph = diamond();
    const idx = indexGraph(graph);
    expect(idx.producer.get('ya')!.name).toBe('a');
    expect(idx.consumers.get('ya')!.map((n) => n.name)).toEqual(['b', 'c']);
    expect(idx.consumers.get('w')!.map((n) => n.name)).toEqual(['c']);
    expect(idx.consumers.get('ye')).toBeUndefined();
    expect(idx.producer.has('x')).toBe(false);
    expect([...idx.initializer.keys()]).toEqual(['w']);
    expect([...idx.graphInputs]).toEqual(['x']);
    expect([...idx.graphOutputs]).toEqual(['ye']);
  });

  it('counts a node that reads the same value twice once', () => {
    const g = new GraphBuilder('sq');
    const x = g.input('x', 'float32', [1]);
    g.output(g.op('Mul', [x, x]), 'float32', [1]);
    expect(indexGraph(g.graph()).consumers.get('x')).toHaveLength(1);
  });

  it('counts values read inside If bodies as uses by the If node (silero)', () => {
    const { model } = decodeModel(readFileSync(realModels.sileroVad));
    const graph = model.graph!;
    const ifNode = graph.node.find((n) => n.op_type === 'If')!;
    const outer = outerNamesUsedBySubgraphs(ifNode);
    expect(outer.length).toBeGreaterThan(0);
    const idx = indexGraph(graph);
    for (const name of outer) expect(idx.consumers.get(name)).toContain(ifNode);
    // The branches read the model inputs (audio and LSTM state) from the enclosing scope.
    expect(outer).toEqual(expect.arrayContaining(['input', 'h', 'c']));
  });
});

describe('topologicalOrder', () => {
  it('orders a shuffled graph so producers come first', () => {
    const graph = diamond();
    for (const seed of [1, 2, 3, 4, 5]) {
      const mixed = { ...graph, node: shuffled(graph.node, seed) };
      const order = topologicalOrder(mixed);
      expectValidOrder(mixed, order);
      expect(order[0]!.name).toBe('a');
      expect(order.at(-1)!.name).toBe('e');
    }
  });

  it('keeps an already ordered graph as it is', () => {
    const graph = diamond();
    expect(topologicalOrder(graph).map((n) => n.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('orders a shuffled real graph with subgraphs (silero) and a long real one (OCR detection)', () => {
    for (const file of [realModels.sileroVad, realModels.ocrDet]) {
      const graph = decodeModel(readFileSync(file)).model.graph!;
      const mixed = { ...graph, node: shuffled(graph.node, 42) };
      expectValidOrder(mixed, topologicalOrder(mixed));
    }
  });

  it('throws onnx_cycle on a cycle', () => {
    const g = new GraphBuilder('loop');
    g.input('x', 'float32', [1]);
    g.node('Add', ['x', 'q'], { name: 'p', outputs: ['p_out'] });
    g.node('Relu', ['p_out'], { name: 'q_node', outputs: ['q'] });
    g.output('q', 'float32', [1]);
    expect(() => topologicalOrder(g.graph())).toThrow(PareError);
    expect(() => topologicalOrder(g.graph())).toThrow(/cycle/);
  });
});
