import type { EncodedSet } from '../data/encode';
import { createClassifierSession, toInt64, type OrtBackend } from './ortRun';

/** Logits of an ONNX classifier (a teacher given as model.onnx, an exported variant) over a set, in batches. */
export async function onnxLogits(bytes: Uint8Array, data: EncodedSet, names: { ids: string; mask: string; logits: string }, numLabels: number, batchSize = 256, backend: OrtBackend = 'node'): Promise<Float32Array> {
  const session = await createClassifierSession(bytes, backend, names);
  const L = data.maxLength;
  const out = new Float32Array(data.n * numLabels);
  try {
    for (let start = 0; start < data.n; start += batchSize) {
      const rows = Math.min(batchSize, data.n - start);
      const logits = await session.run(toInt64(data.ids.subarray(start * L, (start + rows) * L)), toInt64(data.mask.subarray(start * L, (start + rows) * L)), rows, L);
      out.set(logits, start * numLabels);
    }
  } finally {
    await session.release();
  }
  return out;
}
