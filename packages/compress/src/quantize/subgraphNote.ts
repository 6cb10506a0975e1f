// What the passes did and did not do inside If/Loop/Scan bodies, so the user is not left to wonder why the file
// is bigger than expected: how many body tensors were quantized, and how many fp32 constants the bodies still hold.
import { allGraphs, DataType, elementCount, type Model, type Tensor } from '@pare/onnx';

export function subgraphNote(model: Model, quantizedInBodies = 0): string | undefined {
  const subs = allGraphs(model).filter((g) => g.depth > 0);
  if (subs.length === 0) return undefined;
  let weights = 0;
  let elements = 0;
  const count = (t: Tensor): void => {
    if (t.data_type !== DataType.FLOAT) return;
    weights++;
    elements += elementCount(t.dims);
  };
  for (const { graph } of subs) {
    graph.initializer.forEach(count);
    for (const n of graph.node) if (n.op_type === 'Constant' && n.attribute[0]?.t) count(n.attribute[0].t);
  }
  if (quantizedInBodies === 0) {
    return `${subs.length} subgraph(s) (If/Loop/Scan bodies) left alone in fp32: ${weights} constant tensor(s), ${elements} elements. ` +
      'Only main-graph tensors are quantized (those the bodies read from the main graph included, where the pass keeps their names).';
  }
  return `${subs.length} subgraph(s) (If/Loop/Scan bodies): ${quantizedInBodies} weight tensor(s) inside them quantized; ` +
    `${weights} fp32 constant tensor(s) (${elements} elements: biases, shapes, small or unsupported weights) stay.`;
}
