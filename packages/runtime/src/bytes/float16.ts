// IEEE 754 half precision ↔ float for FP16 tensors (onnxruntime-web holds them as Uint16Array bit patterns).
// One implementation, in @pare/onnx (tensorData.ts), shared by the passes that write fp16 weights and by serving.
export { floatToHalf, halfToFloat } from '@pare/onnx';
