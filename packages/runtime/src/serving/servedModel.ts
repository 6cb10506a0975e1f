// What a served variant's bytes become before the session is created: a weight-only variant (int8 weights behind
// DequantizeLinear, fp16 weights behind Cast) has those constant nodes folded into fp32 initializers, because
// onnxruntime runs them on every request (2.4–5× the fp32 latency on small MLP and embedding models). The download
// and the stored variant stay small; the session gets fp32 speed at fp32 memory. MatMulNBits keeps its own kernel
// and static QDQ models keep their weight DQs (onnxruntime fuses them with the activation Q/DQ): both are left as
// they are. Web-standard code that edits the bytes directly: the edge calls this too.
import { foldConstantDequantize } from '@pare/onnx';
import type { InferenceBackend } from '../backend/inferenceBackend';

export interface ServedModel {
  /** The bytes to create the session from (the input itself when nothing was folded). */
  bytes: Uint8Array;
  /** How many constant DequantizeLinear/Cast nodes were folded. */
  folded: number;
}

/** Operators that mean activations are quantized: the weight DQs then belong to onnxruntime's QDQ fusions. */
const ACTIVATION_QUANTIZERS = new Set(['QuantizeLinear', 'DynamicQuantizeLinear']);

export function servedModel(bytes: Uint8Array): ServedModel {
  const { bytes: folded, report } = foldConstantDequantize(bytes);
  if ([...report.opTypes].some((op) => ACTIVATION_QUANTIZERS.has(op))) return { bytes, folded: 0 };
  return { bytes: folded, folded: report.folded.length };
}

/** A backend whose sessions are created from servedModel(bytes): what serving and `pare eval` measure. */
export function servingBackend<B extends InferenceBackend>(backend: B): B {
  return { ...backend, createSession: (bytes: Uint8Array) => backend.createSession(servedModel(bytes).bytes) } as B;
}
