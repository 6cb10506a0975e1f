// @pare/runtime/manifest-builder: manifests for new variants. Apart from the root entry because it reads
// models through @pare/onnx, which the edge worker does not bundle.
export * from './variantManifest';
export * from './compressedManifest';
export * from './checkManifestIo';
