// Node-only entry (`@pare/onnx/node`): file I/O around the pure codec. The edge bundle never imports this.
export { loadModelFile, type LoadedModel } from './loadModelFile';
export { saveModelFile } from './saveModelFile';
export { inlineExternalData } from './externalData';
