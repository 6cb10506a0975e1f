import { encodeModel, type Model } from '@pare/onnx';
import type { Manifest, TokenizerSpec } from '@pare/runtime';
import type { EncodedSet } from '../data/encode';
import { countParameters } from '../model/config';
import type { BagModel } from '../bag/bagModel';
import type { EncoderModel } from '../model/params';
import { classifierMetrics, type ClassifierMetrics } from '../train/metrics';
import { predictLogits } from '../train/predict';
import { onnxLogits } from './onnxLogits';
import { encoderToOnnx, IDS_INPUT, LOGITS_OUTPUT, MASK_INPUT } from './encoderToOnnx';
import { classifierManifest, type ClassifierManifestArgs } from './classifierManifest';

export interface ExportedClassifier {
  onnx: Model;
  bytes: Uint8Array;
  manifest: Manifest;
  /** Test-split metrics of the exported model. */
  metrics: ClassifierMetrics;
  parameters: number;
  /** Test-split logits [n, 2] (trainer logits for a model trained here). */
  testLogits: Float32Array;
  /** Trainer weights (absent for a teacher given as ONNX). */
  encoder?: EncoderModel;
  /** The hashed n-gram bag's weights, when the student is one. */
  bag?: BagModel;
  /** Largest |onnxruntime-node logit − trainer logit| over the test split. */
  onnxMaxAbsDiff?: number;
  /** The same for onnxruntime-web (wasm, one thread). */
  onnxWebMaxAbsDiff?: number;
  trainSeconds?: number;
}

/** Export a trained encoder, check the ONNX model against the trainer on the test split, and write its manifest. */
export async function exportClassifier(encoder: EncoderModel, test: EncodedSet, m: Pick<ClassifierManifestArgs, 'model' | 'variant' | 'tokenizer' | 'provenance' | 'clean'>): Promise<ExportedClassifier> {
  const onnx = encoderToOnnx(encoder, `${m.model}-${m.variant}`);
  const bytes = encodeModel(onnx);
  const testLogits = predictLogits(encoder, test);
  const names = { ids: IDS_INPUT, mask: MASK_INPUT, logits: LOGITS_OUTPUT };
  const maxDiff = (a: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - testLogits[i]!)), 0);
  const diff = maxDiff(await onnxLogits(bytes, test, names, encoder.config.numLabels));
  const webDiff = maxDiff(await onnxLogits(bytes, test, names, encoder.config.numLabels, 256, 'web'));
  const metrics = classifierMetrics(testLogits, test);
  const parameters = countParameters(encoder.config);
  const manifest = await classifierManifest({
    ...m, bytes, config: encoder.config, parameters,
    metrics: { accuracy: metrics.accuracy, precision: metrics.precision, recall: metrics.recall, f1: metrics.f1, hardHamFalsePositiveRate: metrics.hardHamFalsePositiveRate, testExamples: metrics.n, onnxMaxAbsDiff: diff, onnxWebMaxAbsDiff: webDiff },
  });
  return { onnx, bytes, manifest, metrics, parameters, testLogits, encoder, onnxMaxAbsDiff: diff, onnxWebMaxAbsDiff: webDiff };
}
