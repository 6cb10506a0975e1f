import { pruneMagnitude, quantizeDynamicInt8, type PassReport } from '@pare/compress';
import { encodeModel, type Model } from '@pare/onnx';

// The compressed variants of the student that the default model ships, made by @pare/compress's pure passes.

export interface CompressedVariant { variant: string; model: Model; bytes: Uint8Array; reports: PassReport[] }

export function compressStudent(student: Model): CompressedVariant[] {
  const int8 = quantizeDynamicInt8(student, { perChannel: true });
  const pruned = pruneMagnitude(student, { sparsity: 0.5 });
  const prunedInt8 = quantizeDynamicInt8(pruned.model, { perChannel: true });
  const variants: CompressedVariant[] = [{ variant: 'student-int8', model: int8.model, bytes: encodeModel(int8.model), reports: [int8.report] }];
  // Magnitude pruning takes MatMul/Gemm/Conv weights: a hashed n-gram bag is one embedding table and a head too
  // small to prune, so its "pruned" form would be the int8 bytes again under another name. Only a real one ships.
  if (pruned.report.tensors.length > 0) variants.push({ variant: 'student-p50-int8', model: prunedInt8.model, bytes: encodeModel(prunedInt8.model), reports: [pruned.report, prunedInt8.report] });
  return variants;
}
