// 4-bit embedding tables: a constant [vocab, hidden] table read by row lookups becomes com.microsoft
// GatherBlockQuantized (uint8 data, two codes a byte, blocks along hidden, MatMulNBits' default zero point 8),
// which onnxruntime-node and -web's wasm build both run, dequantizing only the gathered rows. A tied LM head that
// reads Transpose(table) (tieTransposedWeights.ts) becomes MatMulNBits on the same packed bytes and scales: the
// two layouts agree when hidden is a whole number of blocks, so the table stays stored once, in 4 bits.
import { DataType, indexGraph, makeTensor, outerNamesUsedBySubgraphs, readTensorAsFloat32, tensorByteLength, type Graph, type Node, type Tensor } from '@pare/onnx';
import { nameFilter } from '../prune/nameFilter';
import type { TensorChange } from '../passReport';
import { makeNode, prependNodes, removeInitializer, replaceNode, type NameAllocator } from './graphEdit';
import { packNBits } from './matMulNBits';
import { relativeError } from './quantMath';

export interface TableSite {
  table: Tensor;
  gathers: Node[];
  /** Tied heads: Transpose(table) nodes and the MatMuls that read their output as B. */
  heads: Array<{ transpose: Node; matmuls: Node[] }>;
}

export interface TableSelection {
  blockSize: number;
  exclude?: readonly string[];
  minElements: number;
}

/** Tables of one graph that go 4-bit, and those passed over with the reason (the int8 pass then takes them). */
export function findTables(graph: Graph, selection: TableSelection): { sites: TableSite[]; skipped: Array<{ name: string; reason: string }> } {
  const index = indexGraph(graph);
  const excluded = nameFilter(selection.exclude);
  const sites: TableSite[] = [];
  const skipped: Array<{ name: string; reason: string }> = [];
  const names = new Set(graph.node.filter((n) => n.op_type === 'Gather' && (n.domain ?? '') === '').map((n) => n.input[0]!));
  for (const name of names) {
    const table = index.initializer.get(name);
    if (!table || table.data_type !== DataType.FLOAT || table.dims.length !== 2 || (table.data_location ?? 0) !== 0) continue;
    const [rows, hidden] = table.dims.map(Number) as [number, number];
    if (rows * hidden < selection.minElements) continue;
    const readers = index.consumers.get(name) ?? [];
    const gathers = readers.filter((n) => n.op_type === 'Gather' && (n.domain ?? '') === '');
    const why = (() => {
      const hit = excluded(name, ...gathers.flatMap((g) => [g.name, ...g.output]));
      if (hit) return `excluded by "${hit}"`;
      if (hidden % selection.blockSize !== 0) return `4-bit table: its width ${hidden} is not a multiple of the block size ${selection.blockSize}`;
      if (index.graphOutputs.has(name)) return '4-bit table: the table is a graph output';
      if (gathers.some((g) => (g.attribute.find((a) => a.name === 'axis')?.i ?? 0) !== 0)) return '4-bit table: a Gather reads it along another axis than rows';
      return undefined;
    })();
    if (why) { skipped.push({ name, reason: why }); continue; }
    const heads: TableSite['heads'] = [];
    let other: Node | undefined;
    for (const r of readers) {
      if (gathers.includes(r)) continue;
      const perm = r.attribute.find((a) => a.name === 'perm')?.ints?.map(Number);
      const matmuls = index.consumers.get(r.output[0]!) ?? [];
      const tiedHead = r.op_type === 'Transpose' && (r.domain ?? '') === '' && (!perm || (perm[0] === 1 && perm[1] === 0)) && !index.graphOutputs.has(r.output[0]!)
        && matmuls.length > 0 && matmuls.every((m) => m.op_type === 'MatMul' && (m.domain ?? '') === '' && m.input[1] === r.output[0] && m.input[0] !== r.output[0])
        && !graph.node.some((n) => outerNamesUsedBySubgraphs(n).includes(r.output[0]!));
      if (tiedHead) heads.push({ transpose: r, matmuls }); else { other = r; break; }
    }
    if (other) { skipped.push({ name, reason: `4-bit table: ${other.op_type} ${other.name || other.output[0]} reads it (only row lookups and a tied head are packed)` }); continue; }
    sites.push({ table, gathers, heads });
  }
  return { sites, skipped };
}

/** Rewrite one table's readers in place; returns the report entry. Symmetric blocks (no zero points stored). */
export function rewriteTable(graph: Graph, site: TableSite, blockSize: number, names: NameAllocator): TensorChange {
  const { table } = site;
  const [rows, hidden] = table.dims.map(Number) as [number, number];
  const values = readTensorAsFloat32(table);
  // packNBits takes a MatMul weight [K, N]: the head's B is the table transposed (K = hidden, N = rows).
  const w = new Float32Array(rows * hidden);
  for (let v = 0; v < rows; v++) for (let h = 0; h < hidden; h++) w[h * rows + v] = values[v * hidden + h]!;
  const blocks = hidden / blockSize;
  const { packed, scales, restored } = packNBits(w, hidden, rows, { bits: 4, blockSize, symmetric: true });
  const base = table.name!;
  const dataName = names.fresh(`${base}_int4`);
  const scaleName = names.fresh(`${base}_int4_scale`);
  // GatherBlockQuantized wants data [rows, hidden/2] and scales [rows, blocks]; MatMulNBits the same bytes as
  // [rows, blocks, blockSize/2] (it checks B's shape when it prepacks). With a tied head the table is stored in
  // MatMulNBits' shape and the lookup reads a Reshape of it, which onnxruntime folds into a constant at load.
  const tied = site.heads.length > 0;
  const stored = [makeTensor(dataName, DataType.UINT8, tied ? [rows, blocks, blockSize / 2] : [rows, hidden / 2], packed), makeTensor(scaleName, DataType.FLOAT, [rows, blocks], scales)];
  let lookupData = dataName;
  if (tied) {
    const shapeName = names.fresh(`${base}_int4_rows_shape`);
    stored.push(makeTensor(shapeName, DataType.INT64, [2], [rows, hidden / 2]));
    lookupData = names.fresh(`${base}_int4_rows`);
    prependNodes(graph, [makeNode('Reshape', [dataName, shapeName], [lookupData], names.fresh(`${base}_int4_Reshape`))]);
  }
  graph.initializer.push(...stored);
  for (const g of site.gathers) {
    replaceNode(graph, g, [makeNode('GatherBlockQuantized', [lookupData, g.input[1]!, scaleName], [g.output[0]!], names.fresh(`${g.name || g.output[0]}_int4`),
      { gather_axis: 0, quantize_axis: 1, block_size: blockSize, bits: 4 }, 'com.microsoft')]);
  }
  for (const { transpose, matmuls } of site.heads) {
    for (const m of matmuls) {
      replaceNode(graph, m, [makeNode('MatMulNBits', [m.input[0]!, dataName, scaleName], [m.output[0]!], names.fresh(`${m.name || m.output[0]}_MatMulNBits`),
        { K: hidden, N: rows, bits: 4, block_size: blockSize, accuracy_level: 0 }, 'com.microsoft')]);
    }
    graph.node.splice(graph.node.indexOf(transpose), 1);
  }
  removeInitializer(graph, base);
  const restoredTable = new Float32Array(rows * hidden);
  for (let v = 0; v < rows; v++) for (let h = 0; h < hidden; h++) restoredTable[v * hidden + h] = restored[h * rows + v]!;
  return {
    name: base, shapeBefore: [...table.dims], shapeAfter: [...table.dims], bytesBefore: tensorByteLength(table),
    bytesAfter: stored.slice(0, 2).reduce((n, t) => n + tensorByteLength(t), 0),
    detail: {
      dtype: 'int4', granularity: `block ${blockSize} along the row`, symmetric: true, op: 'Gather', form: 'gather-block-quantized',
      ...(site.heads.length ? { tiedHead: true } : {}), relativeError: Number(relativeError(values, restoredTable).toPrecision(3)),
    },
  };
}
