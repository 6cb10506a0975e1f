// Public surface of the quantization passes.
export { quantizeDynamicInt8, DEFAULT_DYNAMIC_FORM, type QuantizeDynamicInt8Options } from './quantizeDynamicInt8';
export { quantizeWeightsInt8, type QuantizeWeightsInt8Options } from './quantizeWeightsInt8';
export { quantizeStaticInt8, DEFAULT_ACTIVATION_TYPE, type QuantizeStaticInt8Options } from './quantizeStaticInt8';
export { staticActivationNames } from './staticTargets';
export type { DynamicForm } from './dynamicMatMul';
export { quantize, dequantize, weightParams, activationParams, affineParams, symmetricScale, roundHalfEven, type QuantParams, type QuantType } from './quantMath';
export { dequantizeInitializers } from './dequantizeInitializers';
export { quantizeWeightsInt4, checkBlockSize, DEFAULT_INT4_BLOCK_SIZE, type QuantizeWeightsInt4Options } from './quantizeWeightsInt4';
export { weightsFp16, type WeightsFp16Options } from './weightsFp16';
export { biasCorrectionTargets, meanKey, type ChannelMeans, type MeanAxis, type MeanTarget } from './biasCorrection';
