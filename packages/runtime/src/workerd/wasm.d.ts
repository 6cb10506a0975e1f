// wrangler's CompiledWasm rule turns a .wasm import into a precompiled module.
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
declare module 'onnxruntime-web/ort-wasm-simd-threaded.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
