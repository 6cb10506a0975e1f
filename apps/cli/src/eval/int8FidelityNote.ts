// A line under a fidelity table whose onnxruntime-node column is lowered by this CPU, not by the model:
// without VNNI its u8 × s8 kernels saturate (docs/platform.md), while the edge's wasm stays exact.
import type { FidelityReport } from '@pare/compress';
import { opCounts, type Model } from '@pare/onnx';
import { nodeBackend, nodeInt8ProductsSaturate } from '@pare/runtime/node';

/** Ops that onnxruntime-node runs on u8 × s8 integer kernels (QuantizeLinear: QDQ pairs are fused into them). */
const INTEGER_PRODUCT_OPS = ['MatMulInteger', 'ConvInteger', 'QLinearMatMul', 'QLinearConv', 'QuantizeLinear', 'DynamicQuantizeLinear', 'com.microsoft.DynamicQuantizeMatMul'];

export const INT8_SATURATION_NOTE = "note: onnxruntime-node on this CPU saturates u8×s8 products (no VNNI); its int8 figures are lower than on the edge's wasm";

/** The note, where `report` has an onnxruntime-node column, `candidate` has integer products and this CPU saturates them. */
export async function int8FidelityNote(candidate: Model, report: FidelityReport): Promise<string | undefined> {
  if (!report.backends.some((b) => b.backend === nodeBackend.name)) return undefined;
  const ops = opCounts(candidate);
  if (!INTEGER_PRODUCT_OPS.some((op) => ops[op])) return undefined;
  return (await nodeInt8ProductsSaturate()) ? INT8_SATURATION_NOTE : undefined;
}
