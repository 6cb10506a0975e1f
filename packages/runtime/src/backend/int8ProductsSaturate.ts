// On x86 CPUs without VNNI (AVX2 only), onnxruntime's CPU kernels multiply u8 activations by s8 weights with
// pmaddubsw, whose pairwise sums saturate at int16; wasm's kernels (and VNNI) accumulate in int32 exactly.
import { encodeModel, GraphBuilder } from '@pare/onnx';
import type { InferenceBackend } from './inferenceBackend';

const K = 64;
const COLUMNS = 8;

/** MatMulInteger of u8 255s by an s8 127s initializer: every pair of products (64770) overflows int16. */
function probeModel(): Uint8Array {
  const b = new GraphBuilder('int8_products_probe', { opset: 13 });
  const a = b.input('a', 'uint8', [1, K]);
  const w = b.initializer('w', 'int8', [K, COLUMNS], Int8Array.from({ length: K * COLUMNS }, () => 127));
  b.output(b.op('MatMulInteger', [a, w]), 'int32', [1, COLUMNS]);
  return encodeModel(b.build());
}

/** The probe's output in `backend`, and the exact int32 result it should equal. */
export async function runInt8ProductsProbe(backend: InferenceBackend): Promise<{ output: number[]; exact: number }> {
  const session = await backend.createSession(probeModel());
  try {
    const result = await session.run({ a: { type: 'uint8', dims: [1, K], data: new Uint8Array(K).fill(255) } });
    const [only] = Object.values(result);
    return { output: Array.from(only!.data as Int32Array), exact: K * 255 * 127 };
  } finally {
    await session.release();
  }
}

/** Whether `backend` computes u8 × s8 integer products with saturated (inexact) intermediate sums. */
export async function int8ProductsSaturate(backend: InferenceBackend): Promise<boolean> {
  const { output, exact } = await runInt8ProductsProbe(backend);
  return output.some((v) => v !== exact);
}
