// The inverse of the weight-only forms, as a pass: every DequantizeLinear (and fp16 → fp32 Cast) whose inputs are
// all initializers becomes the fp32 initializer it computes (foldConstantDequantize in @pare/onnx, which is also
// what serving applies at load). Shipping the small file and folding before the session is created gives its
// download size with fp32 speed, at fp32 memory.
import { decodeModel, encodeModel, foldConstantDequantize, type Model } from '@pare/onnx';
import type { Pass, PassReport, PassResult } from '../passReport';

export function dequantizeInitializers(model: Model): PassResult {
  const bytes = encodeModel(model);
  const { bytes: foldedBytes, report: fold } = foldConstantDequantize(bytes);
  const report: PassReport = { pass: 'dequantizeInitializers', options: {}, tensors: [], skipped: fold.skipped, notes: [] };
  for (const t of fold.folded) {
    report.tensors.push({ name: t.name, shapeBefore: t.dims, shapeAfter: t.dims, bytesBefore: t.bytesBefore, bytesAfter: t.bytesAfter, detail: { op: t.op, graph: t.graph } });
  }
  if (fold.folded.length) report.notes.push(`${fold.folded.length} DequantizeLinear/Cast node(s) of constant weights folded into fp32 initializers.`);
  return { model: foldedBytes === bytes ? structuredClone(model) : decodeModel(foldedBytes).model, report };
}

dequantizeInitializers satisfies Pass<undefined>;
