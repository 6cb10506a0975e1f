import { encodeModel } from '@pare/onnx';
import { classifierManifest, type ClassifierManifestArgs } from '../export/classifierManifest';
import type { ExportedClassifier } from '../export/exportClassifier';
import { textLogits } from '../export/textLogits';
import { classifierMetrics } from '../train/metrics';
import { bagLogits, bagParameters, type BagModel } from './bagModel';
import type { BagFeatures } from './bagFeatures';
import type { BagSet } from './bagSet';
import { bagToOnnx } from './bagToOnnx';

export interface BagExportArgs extends Pick<ClassifierManifestArgs, 'model' | 'variant' | 'provenance' | 'threshold' | 'labels' | 'clean'> {
  /** What the student reads off a text: the manifest's tokenizer and, for teacher tokens, the graph's hashing. */
  features: BagFeatures;
  /** Folded into the exported logits (temperature scaling); the trainer's logits are divided by it too. */
  temperature?: number;
  /** Extra manifest metrics (calibration error, threshold rates…). */
  metrics?: Record<string, number>;
}

/** Export a trained bag, check the ONNX model fed as the edge feeds it (test texts as clients send them, through
 * the manifest's cleaning and tokenizer) against the trainer in onnxruntime-node and -web, and write its manifest. */
export async function exportBag(bag: BagModel, test: BagSet, testTexts: readonly string[], a: BagExportArgs): Promise<ExportedClassifier> {
  const t = a.temperature ?? 1;
  const onnx = bagToOnnx(bag, `${a.model}-${a.variant}`, t, a.features.graphRows);
  const bytes = encodeModel(onnx);
  const testLogits = bagLogits(bag, test).map((v) => v / t);
  const parameters = bagParameters(bag.config);
  const draft = await classifierManifest({ ...a, bytes, config: { maxLength: 'length', numLabels: bag.config.numLabels }, tokenizer: a.features.tokenizer, parameters, metrics: {} });
  const maxDiff = (x: Float32Array) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - testLogits[i]!)), 0);
  const diff = maxDiff(await textLogits(bytes, draft, testTexts, 'node', undefined, a.features.reader));
  const webDiff = maxDiff(await textLogits(bytes, draft, testTexts, 'web', undefined, a.features.reader));
  const metrics = classifierMetrics(testLogits, test);
  const manifest = await classifierManifest({
    ...a, bytes, config: { maxLength: 'length', numLabels: bag.config.numLabels }, tokenizer: a.features.tokenizer, parameters,
    metrics: {
      accuracy: metrics.accuracy, precision: metrics.precision, recall: metrics.recall, f1: metrics.f1, hardHamFalsePositiveRate: metrics.hardHamFalsePositiveRate,
      hamFalsePositiveRate: metrics.hamFalsePositiveRate, testExamples: metrics.n, onnxMaxAbsDiff: diff, onnxWebMaxAbsDiff: webDiff, ...(t !== 1 ? { temperature: t } : {}), ...a.metrics,
    },
  });
  return { onnx, bytes, manifest, metrics, parameters, testLogits, bag, onnxMaxAbsDiff: diff, onnxWebMaxAbsDiff: webDiff };
}
