// A language model whose LM head is tied to its embedding table (GPT-2, most small LMs) is exported with the
// table twice: the Gather reads the table [vocab, hidden] and the head's MatMul a constant-folded transpose
// [hidden, vocab] of it. The head then reads Transpose(table) instead, so the file holds the table once and
// every quantization form stores it once: tied weights stay tied. Lossless (values compared exactly);
// onnxruntime folds the Transpose back into a constant at load.
import { DataType, indexGraph, readTensorAsFloat32, type Model, type Node, type Tensor } from '@pare/onnx';
import type { Pass, PassReport, PassResult } from '../passReport';
import { makeNode, NameAllocator } from '../quantize/graphEdit';

const FLOAT_TYPES = new Set<number>([DataType.FLOAT, DataType.FLOAT16, DataType.DOUBLE]);

function isTransposeOf(w: Tensor, table: Tensor): boolean {
  const [k, n] = w.dims.map(Number) as [number, number];
  if (w.data_type !== table.data_type || Number(table.dims[0]) !== n || Number(table.dims[1]) !== k) return false;
  const a = readTensorAsFloat32(w);
  const b = readTensorAsFloat32(table);
  for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) if (a[i * n + j] !== b[j * k + i]) return false;
  return true;
}

/** Pure: returns the model itself when nothing is tied; otherwise a copy whose main graph is rewritten. */
export function tieTransposedWeights(model: Model): PassResult {
  const report: PassReport = { pass: 'tieTransposedWeights', options: {}, tensors: [], skipped: [], notes: [] };
  const graph = model.graph;
  if (!graph) return { model, report };
  const index = indexGraph(graph);
  const pinned = new Set<string>([...graph.input, ...graph.output].map((v) => v.name ?? ''));
  const is2dFloat = (t: Tensor | undefined): t is Tensor => !!t && t.dims.length === 2 && FLOAT_TYPES.has(t.data_type ?? 0) && (t.data_location ?? 0) === 0;
  const tables = [...new Set(graph.node.filter((n) => n.op_type === 'Gather' && (n.domain ?? '') === '').map((n) => n.input[0]!))]
    .map((name) => index.initializer.get(name)).filter(is2dFloat);
  if (tables.length === 0) return { model, report };
  const names = new NameAllocator(model);
  const tiedTo = new Map<string, { table: Tensor; transposed: string }>();
  for (const node of graph.node) {
    if (node.op_type !== 'MatMul' || (node.domain ?? '') !== '') continue;
    const wName = node.input[1]!;
    const w = index.initializer.get(wName);
    if (!is2dFloat(w) || pinned.has(wName) || tiedTo.has(wName)) continue;
    const table = tables.find((t) => t.name !== wName && isTransposeOf(w, t));
    if (table) tiedTo.set(wName, { table, transposed: names.fresh(`${table.name}_transposed`) });
  }
  if (tiedTo.size === 0) return { model, report };
  const transposes: Node[] = [...tiedTo.values()].map(({ table, transposed }) => makeNode('Transpose', [table.name!], [transposed], names.fresh(`${table.name}_Transpose`), { perm: [1, 0] }));
  const rename = (n: Node): Node => (n.input.some((i) => tiedTo.has(i)) ? { ...n, input: n.input.map((i) => tiedTo.get(i)?.transposed ?? i) } : n);
  for (const [wName, { table }] of tiedTo) {
    const w = index.initializer.get(wName)!;
    const dims = w.dims.map(Number);
    report.tensors.push({ name: wName, shapeBefore: dims, shapeAfter: dims, bytesBefore: w.raw_data?.byteLength ?? 0, bytesAfter: 0, detail: { tiedTo: table.name!, op: 'Transpose' } });
  }
  report.notes.push(`${tiedTo.size} weight(s) found to be the transpose of an embedding table: read as Transpose(${[...tiedTo.values()].map((t) => t.table.name).join(', ')}), stored once.`);
  return {
    model: {
      ...model,
      graph: {
        ...graph,
        node: [...transposes, ...graph.node.map(rename)],
        initializer: graph.initializer.filter((t) => !tiedTo.has(t.name ?? '')),
        value_info: graph.value_info.filter((v) => !tiedTo.has(v.name ?? '')),
      },
    },
    report,
  };
}

tieTransposedWeights satisfies Pass<Record<string, never>>;
