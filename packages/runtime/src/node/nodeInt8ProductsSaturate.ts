import { int8ProductsSaturate } from '../backend/int8ProductsSaturate';
import { nodeBackend } from './nodeBackend';

let answer: Promise<boolean> | undefined;

/**
 * Whether onnxruntime-node on this CPU saturates u8 × s8 products (x86 without VNNI), so its int8 outputs
 * are less faithful than the edge's wasm. Probed once per process with a tiny MatMulInteger model.
 */
export function nodeInt8ProductsSaturate(): Promise<boolean> {
  answer ??= int8ProductsSaturate(nodeBackend);
  return answer;
}
