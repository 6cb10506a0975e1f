// A weight read by several nodes (ALBERT shares one set of layer weights across all its layers; tied heads and
// reused projections do the same) is quantized once per reader by the per-site rewrites. Those copies are
// byte-identical, so they are merged back into one initializer after the rewrite: the size a shared weight costs
// stays that of one copy.
import type { Graph, Tensor } from '@pare/onnx';

function fingerprint(t: Tensor): string | undefined {
  const raw = t.raw_data;
  if (!raw || raw.byteLength === 0) return undefined;
  let h = 0x811c9dc5;
  for (let i = 0; i < raw.length; i++) h = Math.imul(h ^ raw[i]!, 0x01000193);
  return `${t.data_type}|${t.dims.join('x')}|${raw.byteLength}|${h >>> 0}`;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.byteLength === b.byteLength && a.every((v, i) => v === b[i]);

/** Merge byte-identical tensors among `added` (initializers of `graph`); returns how many copies went. */
export function shareIdenticalInitializers(graph: Graph, added: readonly Tensor[]): number {
  const firstOf = new Map<string, Tensor[]>();
  const rename = new Map<string, string>();
  for (const t of added) {
    const key = fingerprint(t);
    if (!key || !t.name) continue;
    const bucket = firstOf.get(key) ?? [];
    const same = bucket.find((k) => sameBytes(k.raw_data!, t.raw_data!));
    if (same) rename.set(t.name, same.name!);
    else { bucket.push(t); firstOf.set(key, bucket); }
  }
  if (rename.size === 0) return 0;
  graph.initializer = graph.initializer.filter((t) => !rename.has(t.name ?? ''));
  for (const node of graph.node) node.input = node.input.map((i) => rename.get(i) ?? i);
  return rename.size;
}
