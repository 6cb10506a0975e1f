// Embedding tables (Gather on a constant 2-D table along axis 0) stored int8. The lookup happens on the int8
// table and only the gathered rows are dequantized: a DequantizeLinear in front of the Gather would expand
// the whole table to fp32 on every run.
import { DataType, makeTensor, readTensorAsFloat32, type Node, type Tensor } from '@pare/onnx';
import { makeNode, type NameAllocator } from './graphEdit';
import { quantizeTensor } from './dequantizedWeight';
import type { RewriteResult } from './dynamicMatMul';
import type { WeightSite } from './weightSites';

/** The int8 form of a table already made for one of its Gathers: a table read by several Gathers is stored once. */
export type QuantizedTables = Map<string, { quantized: string; scale: string; change: RewriteResult['change'] }>;

/**
 * Gather(table_int8, ids) → Cast(float) → Mul(scale), where the scale is a scalar (per-tensor) or the gathered
 * per-row scales shaped [V, 1] so they broadcast over the embedding dimension. Symmetric: no zero point to subtract.
 * With `tables`, a second Gather of the same table reuses its int8 form (no initializers, the same change).
 */
export function rewriteEmbedding(site: WeightSite, perRow: boolean, names: NameAllocator, tables: QuantizedTables = new Map()): RewriteResult {
  const { node, tensor } = site;
  const [rows] = tensor.dims as [number, number];
  const y = node.output[0]!;
  const ids = node.input[1]!;
  const base = node.name || y;
  const initializers: Tensor[] = [];
  let table = tables.get(tensor.name!);
  if (!table) {
    const values = readTensorAsFloat32(tensor);
    const qt = quantizeTensor(tensor, values, tensor.dims, { axis: perRow ? 0 : undefined, symmetric: true }, names);
    const scale = names.fresh(`${tensor.name}_row_scale`);
    initializers.push(qt.initializers[0]!, makeTensor(scale, DataType.FLOAT, perRow ? [rows, 1] : [], qt.params.scale));
    const change = { ...qt.change, detail: { ...qt.change.detail, op: 'Gather', granularity: perRow ? 'per-row' : 'per-tensor' } };
    change.bytesAfter = initializers.reduce((n, t) => n + (t.raw_data?.byteLength ?? 0), 0);
    table = { quantized: qt.names.quantized, scale, change };
    tables.set(tensor.name!, table);
  }
  const scaleName = table.scale;
  const gathered = names.fresh(`${y}_int8`);
  const asFloat = names.fresh(`${y}_int8_float`);
  const nodes: Node[] = [
    makeNode('Gather', [table.quantized, ids], [gathered], names.fresh(`${base}_int8`), { axis: 0 }),
    makeNode('Cast', [gathered], [asFloat], names.fresh(`${base}_Cast`), { to: DataType.FLOAT }),
  ];
  if (perRow) {
    const rowScales = names.fresh(`${y}_scale`);
    nodes.push(makeNode('Gather', [scaleName, ids], [rowScales], names.fresh(`${base}_scale_Gather`), { axis: 0 }));
    nodes.push(makeNode('Mul', [asFloat, rowScales], [y], names.fresh(`${base}_Mul`)));
  } else {
    nodes.push(makeNode('Mul', [asFloat, scaleName], [y], names.fresh(`${base}_Mul`)));
  }
  return { nodes, initializers, change: table.change };
}
