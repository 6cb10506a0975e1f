// The passes rewrite the main graph only. Weights inside If/Loop/Scan bodies (Silero VAD keeps its LSTMs
// there) stay fp32; the report says so rather than leaving the user to wonder why the file is bigger than expected.
import { allGraphs, elementCount, type Model } from '@pare/onnx';

export function subgraphNote(model: Model): string | undefined {
  const subs = allGraphs(model).filter((g) => g.depth > 0);
  if (subs.length === 0) return undefined;
  let weights = 0;
  let elements = 0;
  for (const { graph } of subs) {
    for (const t of graph.initializer) { weights++; elements += elementCount(t.dims); }
    for (const n of graph.node) {
      if (n.op_type !== 'Constant') continue;
      const t = n.attribute[0]?.t;
      if (t) { weights++; elements += elementCount(t.dims); }
    }
  }
  return `${subs.length} subgraph(s) (If/Loop/Scan bodies) left alone in fp32: ${weights} constant tensor(s), ${elements} elements. ` +
    'Only main-graph tensors are quantized (those the bodies read from the main graph included, where the pass keeps their names).';
}
