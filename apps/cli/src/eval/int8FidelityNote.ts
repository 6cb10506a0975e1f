// A line under a fidelity table whose onnxruntime-node column is lowered by this CPU, not by the model:
// without VNNI its u8 × s8 kernels saturate (docs/platform.md), while the edge's wasm stays exact. Pare's
// int8-dynamic stores uint8 weights, which those CPUs multiply exactly; static QDQ and other tools' int8 do not.
import type { FidelityReport } from '@pare/compress';
import { DataType, type Model } from '@pare/onnx';
import { nodeBackend, nodeInt8ProductsSaturate } from '@pare/runtime/node';

/** Integer-product ops and the input holding their weights (onnxruntime-node runs them on u8 × s8 kernels when it is int8). */
const WEIGHT_INPUT: Record<string, number> = { MatMulInteger: 1, ConvInteger: 1, DynamicQuantizeMatMul: 1, QLinearMatMul: 3, QLinearConv: 3 };

export const INT8_SATURATION_NOTE = "note: onnxruntime-node on this CPU saturates u8×s8 products (no VNNI); its int8 figures are lower than on the edge's wasm";

/** Whether `model` has products of u8 activations and int8 weights: integer ops with int8 weights, or QDQ pairs (fused into such kernels). */
export function hasU8S8Products(model: Model): boolean {
  const graph = model.graph!;
  const int8 = new Set(graph.initializer.filter((t) => t.data_type === DataType.INT8).map((t) => t.name));
  const integerOp = graph.node.some((n) => WEIGHT_INPUT[n.op_type!] !== undefined && int8.has(n.input[WEIGHT_INPUT[n.op_type!]!]!));
  const qdq = graph.node.some((n) => n.op_type === 'QuantizeLinear') && graph.node.some((n) => n.op_type === 'DequantizeLinear' && int8.has(n.input[0]!));
  return integerOp || qdq;
}

/** The note, where `report` has an onnxruntime-node column, `candidate` has u8 × s8 products and this CPU saturates them. */
export async function int8FidelityNote(candidate: Model, report: FidelityReport): Promise<string | undefined> {
  if (!report.backends.some((b) => b.backend === nodeBackend.name)) return undefined;
  if (!hasU8S8Products(candidate)) return undefined;
  return (await nodeInt8ProductsSaturate()) ? INT8_SATURATION_NOTE : undefined;
}
