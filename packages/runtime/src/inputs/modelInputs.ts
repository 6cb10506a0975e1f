// `@pare/runtime/model-inputs`: inputs generated from a decoded model's graph and checked to run. A separate
// entry, so the edge bundle (which imports the package index) does not pull in the ONNX graph code.
export { inputHints } from './inputHints';
export { generatedInputsThatRun, shapes, type RunnableInputs } from './generatedInputsThatRun';
