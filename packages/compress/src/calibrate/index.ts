// Public surface of calibration: a pure model transform, pure statistics, and the glue with an injected runner.
export { calibrationModel } from './calibrationModel';
export { activationRanges, type ActivationRanges, type ActivationRangeOptions, type FloatOutput } from './activationRanges';
export { calibrate, type CalibrateOptions } from './calibrate';
export { measureChannelMeans } from './channelMeans';
