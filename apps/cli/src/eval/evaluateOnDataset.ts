// `pare eval --data`: run a text classifier over a labelled split in batches, fed exactly as the edge feeds it
// (the manifest's tokenizer through @pare/runtime's textFeeds), and score it with @pare/compress's
// classificationMetrics: the numbers the origin's evaluate jobs report too.
import { classificationMetrics, predictedClass, type ClassificationMetrics } from '@pare/compress';
import { PareError } from '@pare/errors';
import { parseManifest, sha256Hex, textFeeds, type InferenceBackend, type Manifest } from '@pare/runtime';
import { readTextFile } from '../shared/modelFile';
import type { EvalDataset } from './datasets';

const DEFAULT_BATCH_SIZE = 64;

/** A manifest that can drive a text evaluation: a tokenizer to encode the texts and labels to name the scores. */
export type TextManifest = Manifest & { preprocess: NonNullable<Manifest['preprocess']>; postprocess: NonNullable<Manifest['postprocess']> };

/** `beside`: the file is the default next to the model, so a missing one points at --manifest. */
export async function readTextManifest(file: string, beside = false): Promise<TextManifest> {
  let text: string;
  try {
    text = await readTextFile(file, 'manifest');
  } catch (e) {
    if (!beside) throw e;
    throw new PareError('manifest_missing', `${(e as Error).message.replace(/\.$/, '')}; pass --manifest <file> when the model's manifest is elsewhere.`, { cause: e });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new PareError('manifest_invalid', `The manifest "${file}" is not valid JSON.`, { cause });
  }
  let manifest: Manifest;
  try {
    manifest = parseManifest(value);
  } catch (e) {
    throw new PareError('manifest_invalid', `The manifest "${file}" is invalid: ${(e as Error).message.replace(/^Invalid manifest: /, '')}.`, { cause: e });
  }
  if (!manifest.preprocess) throw new PareError('manifest_invalid', `The manifest "${file}" has no preprocess.tokenizer, so texts cannot be encoded for this model.`);
  if (!manifest.postprocess) throw new PareError('manifest_invalid', `The manifest "${file}" has no postprocess.labels, so the model's scores cannot be named.`);
  return manifest as TextManifest;
}

/** Things about the manifest worth a warning, not a refusal. */
export async function manifestWarnings(manifest: Manifest, modelBytes: Uint8Array, dataset: EvalDataset): Promise<string[]> {
  const warnings: string[] = [];
  const sha256 = await sha256Hex(modelBytes);
  if (manifest.sha256 !== sha256) warnings.push(`the manifest describes another model file (sha256 ${manifest.sha256.slice(0, 12)}…, the model is ${sha256.slice(0, 12)}…); its tokenizer and labels are used anyway.`);
  const { seed, datasetChecksum } = manifest.provenance;
  if (datasetChecksum && datasetChecksum !== dataset.checksum) warnings.push(`the model was trained on other ${dataset.name} data (checksum ${datasetChecksum}, this is ${dataset.checksum}).`);
  if (seed !== undefined && seed !== dataset.seed) warnings.push(`the model was trained with split seed ${seed}; seed ${dataset.seed} splits differently, so this ${dataset.split} split overlaps its training data.`);
  return warnings;
}

export interface DataEvaluation extends ClassificationMetrics {
  runtime: string;
  positive: string;
  /** Precision, recall and F1 of the positive class. */
  precision: number;
  recall: number;
  f1: number;
  /** How many examples are hard ham (legitimate mail that looks like spam). */
  hardHam: number;
  /** Share of hard ham predicted as the positive class (spam). */
  hardHamFalsePositiveRate: number;
  seconds: number;
  examplesPerSecond: number;
}

export interface EvaluateOptions {
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export async function evaluateOnDataset(modelBytes: Uint8Array, manifest: TextManifest, dataset: EvalDataset, backend: InferenceBackend, options: EvaluateOptions = {}): Promise<DataEvaluation> {
  const labels = manifest.postprocess.labels;
  const actual = dataset.examples.map((e, i) => {
    const at = labels.indexOf(e.label);
    if (at < 0) throw new PareError('manifest_mismatch', `The manifest's labels are ${labels.join(', ')}, but ${dataset.name} labels example ${i} "${e.label}" (its classes are ${dataset.labels.join(', ')}).`);
    return at;
  });
  const positive = labels.indexOf(dataset.positive);
  if (positive < 0) throw new PareError('manifest_mismatch', `The manifest's labels are ${labels.join(', ')}; ${dataset.name} needs its positive class "${dataset.positive}" among them.`);
  const session = await backend.createSession(modelBytes);
  const predicted: number[] = [];
  const start = performance.now();
  try {
    const batchSize = batchSizeFor(session.inputs, manifest, options.batchSize ?? DEFAULT_BATCH_SIZE);
    const outputName = manifest.postprocess.output ?? session.outputs[0]!.name;
    const total = dataset.examples.length;
    for (let first = 0; first < total; first += batchSize) {
      const texts = dataset.examples.slice(first, first + batchSize).map((e) => (manifest.preprocess.clean && e.raw !== undefined ? e.raw : e.text));
      const logits = (await session.run(textFeeds(manifest, texts)))[outputName];
      if (!logits) throw new PareError('output_not_found', `The model has no output "${outputName}" (the manifest's postprocess.output); it has ${session.outputs.map((o) => o.name).join(', ')}.`);
      const width = logits.data.length / texts.length;
      if (width !== labels.length) throw new PareError('manifest_mismatch', `Output "${outputName}" has ${width} scores per text but the manifest lists ${labels.length} labels.`);
      for (let row = 0; row < texts.length; row++) {
        predicted.push(predictedClass(Array.from(logits.data.slice(row * width, (row + 1) * width), Number), 0.5));
      }
      options.onProgress?.(first + texts.length, total);
    }
  } finally {
    await session.release();
  }
  const seconds = (performance.now() - start) / 1000;
  const metrics = classificationMetrics(actual, predicted, [...labels]);
  const hard = dataset.examples.flatMap((e, i) => (e.hard ? [predicted[i]!] : []));
  const { precision, recall, f1 } = metrics.perClass[positive]!;
  return {
    runtime: backend.name, positive: dataset.positive, ...metrics, precision, recall, f1,
    hardHam: hard.length,
    hardHamFalsePositiveRate: hard.length ? hard.filter((p) => p === positive).length / hard.length : 0,
    seconds, examplesPerSecond: dataset.examples.length / seconds,
  };
}

/** The requested batch, or 1 where the model fixes its batch axis; refuses a manifest whose input names the model lacks. */
function batchSizeFor(inputs: ReadonlyArray<{ name: string; shape: ReadonlyArray<number | string> }>, manifest: TextManifest, requested: number): number {
  let size = requested;
  for (const name of [manifest.preprocess.idsInput, manifest.preprocess.maskInput]) {
    if (name === undefined) continue;
    const input = inputs.find((i) => i.name === name);
    if (!input) throw new PareError('manifest_mismatch', `The manifest feeds input "${name}", which the model does not have (its inputs: ${inputs.map((i) => i.name).join(', ')}).`);
    if (typeof input.shape[0] === 'number' && input.shape[0] > 0) size = Math.min(size, input.shape[0]);
  }
  return size;
}
