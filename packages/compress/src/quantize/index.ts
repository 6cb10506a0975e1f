// Public surface of the quantization passes.
export { quantizeDynamicInt8, DEFAULT_DYNAMIC_FORM, type QuantizeDynamicInt8Options } from './quantizeDynamicInt8';
export { quantizeWeightsInt8, type QuantizeWeightsInt8Options } from './quantizeWeightsInt8';
export { quantizeStaticInt8, DEFAULT_ACTIVATION_TYPE, type QuantizeStaticInt8Options } from './quantizeStaticInt8';
export { staticActivationNames } from './staticTargets';
export type { DynamicForm } from './dynamicMatMul';
export { quantize, dequantize, weightParams, activationParams, affineParams, symmetricScale, roundHalfEven, type QuantParams, type QuantType } from './quantMath';
export { dequantizeInitializers } from './dequantizeInitializers';
