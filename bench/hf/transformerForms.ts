// Compression forms of one transformer graph, side by side: int8-dynamic MatMul (per tensor and per channel,
// with int8 embedding tables), weight-only int8, against fp32. For each: bytes, batch-1 latency in
// onnxruntime-web (wasm, 1 thread) and onnxruntime-node, output cosine to fp32, and which fused operators
// onnxruntime makes of the graph (a pass must leave attention/LayerNorm/GELU in the form it fuses).
import { compressModel, type CompressOptions } from '@pare/compress';
import { decodeModel, encodeModel } from '@pare/onnx';
import type { Feeds, HostTensor, InferenceBackend } from '@pare/runtime';
import { nodeBackend, nodeOptimizedModel } from '@pare/runtime/node';
import { webNodeBackend } from '@pare/runtime/web-node';

export const FORMS: Array<{ name: string; options: CompressOptions }> = [
  { name: 'fp32', options: {} },
  { name: 'int8-dynamic', options: { quantize: 'int8-dynamic' } },
  { name: 'int8-dynamic per-channel', options: { quantize: 'int8-dynamic', perChannel: true } },
  { name: 'int8-weights per-channel', options: { quantize: 'int8-weights', perChannel: true } },
];

/** Operators onnxruntime's CPU fusions produce; their counts tell whether a pass kept a pattern fusable. */
const FUSED = ['Attention', 'MultiHeadAttention', 'LayerNormalization', 'SkipLayerNormalization', 'SimplifiedLayerNormalization', 'EmbedLayerNormalization', 'Gelu', 'FastGelu', 'BiasGelu', 'MatMulIntegerToFloat', 'DynamicQuantizeMatMul', 'MatMulInteger', 'DynamicQuantizeLinear', 'FusedMatMul', 'QAttention'];

export interface FormResult {
  name: string;
  bytes: number;
  wasmMs: number;
  nodeMs: number;
  cosine: number;
  fused: Record<string, number>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function flat(outputs: Record<string, HostTensor>): number[] {
  return Object.values(outputs).flatMap((t) => Array.from(t.data as ArrayLike<number>, Number));
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i]! * b[i]!; na += a[i]! ** 2; nb += b[i]! ** 2; }
  return dot / Math.sqrt(na * nb || 1);
}

async function latency(backend: InferenceBackend, bytes: Uint8Array, feeds: Feeds[], rounds: number): Promise<{ ms: number; outputs: number[][] }> {
  const session = await backend.createSession(bytes);
  try {
    const outputs: number[][] = [];
    for (const f of feeds) outputs.push(flat(await session.run(f)));
    // Warm-up done above; then the median of `rounds` passes over the feeds, per feed.
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const f of feeds) {
        const t0 = performance.now();
        await session.run(f);
        times.push(performance.now() - t0);
      }
    }
    return { ms: median(times), outputs };
  } finally {
    await session.release();
  }
}

export async function fusedOperators(bytes: Uint8Array): Promise<Record<string, number>> {
  const graph = decodeModel(await nodeOptimizedModel(bytes)).model.graph!;
  const counts: Record<string, number> = {};
  for (const { op_type: op } of graph.node) if (op && FUSED.includes(op)) counts[op] = (counts[op] ?? 0) + 1;
  return counts;
}

export async function measureForms(fp32: Uint8Array, feeds: Feeds[], rounds: number, log: (m: string) => void): Promise<FormResult[]> {
  const results: FormResult[] = [];
  let reference: number[][] = [];
  for (const form of FORMS) {
    const bytes = form.name === 'fp32' ? fp32 : encodeModel((await compressModel(decodeModel(fp32).model, form.options)).model);
    const wasm = await latency(webNodeBackend, bytes, feeds, rounds);
    const node = await latency(nodeBackend, bytes, feeds, rounds);
    if (form.name === 'fp32') reference = wasm.outputs;
    const cos = wasm.outputs.reduce((s, o, i) => s + cosine(o, reference[i]!), 0) / wasm.outputs.length;
    const result = { name: form.name, bytes: bytes.byteLength, wasmMs: wasm.ms, nodeMs: node.ms, cosine: cos, fused: await fusedOperators(bytes) };
    log(`${form.name}: ${(result.bytes / 1024).toFixed(0)} KiB, wasm ${result.wasmMs.toFixed(2)} ms, node ${result.nodeMs.toFixed(2)} ms, cosine ${cos.toFixed(6)}, fused ${JSON.stringify(result.fused)}`);
    results.push(result);
  }
  return results;
}
