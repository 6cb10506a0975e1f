// Before an upload is stored the edge runs the model once on an input made the way a request's would be
// (generatedFeeds.ts: a short text through the variant's tokenizer and task, or generated tensors of the
// declared dtypes). The outputs must be finite, within a size bound, and go through the task's
// post-processing (labels as wide as the scores).
import { PareError } from '@pare/errors';
import { findConstantShapeBombs, type ConstantShapeBomb } from '@pare/onnx';
import { inlineTokenizer, isTextTask, runtimeFailureReason, textTaskOf, type EncodedBatch, type Feeds, type HostTensor, type InferenceSession, type Manifest, type TextTokenizer } from '@pare/runtime';
import { manifestMismatch } from './modelAgreement';
import { fromHostTensor } from './tensorCodec';
import { generatedTensorFeeds } from './generatedFeeds';

export const DEFAULT_MAX_TRIAL_RUN_MS = 2000;
/** Output bytes of one trial run (batch 1) beyond which answers could not be sent as JSON from an isolate. */
export const MAX_TRIAL_OUTPUT_BYTES = 16 * 1024 * 1024;
const TRIAL_TEXT = 'pare upload check';
/** Elements one node may make from a shape written in the model (64 MB of float32): beyond it an isolate falls. */
export const MAX_CONSTANT_SHAPE_ELEMENTS = 16 * 1024 * 1024;

export interface TrialLimits {
  maxRunMs: number;
  maxOutputBytes: number;
}

export function trialLimits(maxTrialRunMs: string | undefined): TrialLimits {
  const ms = Number(maxTrialRunMs);
  return { maxRunMs: maxTrialRunMs !== undefined && maxTrialRunMs !== '' && Number.isFinite(ms) && ms >= 0 ? ms : DEFAULT_MAX_TRIAL_RUN_MS, maxOutputBytes: MAX_TRIAL_OUTPUT_BYTES };
}

/** Refuse a model that would materialise a huge tensor from constant shapes (checked on the bytes, before loading). */
export function checkConstantShapes(bytes: Uint8Array): void {
  let bomb: ConstantShapeBomb | undefined;
  try {
    [bomb] = findConstantShapeBombs(bytes, MAX_CONSTANT_SHAPE_ELEMENTS);
  } catch {
    return; // Not a readable ModelProto: onnxruntime's load refuses it next, with its own reason.
  }
  if (bomb) {
    throw unrunnable(`Node "${bomb.node}" (${bomb.op}, in ${bomb.graph}) would make a tensor of ${bomb.elements} elements from a shape written in the model; at most ${MAX_CONSTANT_SHAPE_ELEMENTS} are allowed.`);
  }
}

function unrunnable(message: string, cause?: unknown): PareError {
  return new PareError('model_unloadable', message, { status: 422, cause });
}

function bytesOf(t: HostTensor): number {
  return Array.isArray(t.data) ? t.data.reduce((n, s) => n + s.length, 0) : t.data.byteLength;
}

/**
 * The tokenizer's largest id must index the model's embedding table: a vocabulary larger than the table passes a
 * short trial text and fails later on the first rare word. The trial rows run again with every id set to it.
 */
async function checkVocabularyFits(manifest: Manifest, session: InferenceSession, feeds: Feeds, tokenizer: TextTokenizer): Promise<void> {
  const idsName = manifest.preprocess!.idsInput;
  const ids = feeds[idsName];
  if (!ids || tokenizer.vocabSize < 1) return;
  const top = tokenizer.vocabSize - 1;
  const data = ids.data instanceof BigInt64Array ? new BigInt64Array(ids.data.length).fill(BigInt(top)) : new Int32Array((ids.data as Int32Array).length).fill(top);
  try {
    await session.run({ ...feeds, [idsName]: { ...ids, data } });
  } catch (cause) {
    throw manifestMismatch(`The tokenizer has ${tokenizer.vocabSize} entries but the model fails on id ${top} (is its embedding table smaller than the vocabulary?): ${runtimeFailureReason(cause)}.`, 'preprocess.tokenizer');
  }
}

/** Run the session once on a trial input; any refusal is a 422 that names what went wrong. */
export async function trialRun(manifest: Manifest, session: InferenceSession, limits: TrialLimits, tokenizer?: TextTokenizer): Promise<void> {
  const text = isTextTask(manifest.task) && manifest.preprocess ? { task: textTaskOf(manifest), tokenizer: tokenizer ?? inlineTokenizer(manifest) } : undefined;
  let feeds: Feeds;
  let encoded: EncodedBatch | undefined;
  let outputs: Record<string, HostTensor>;
  // JS cannot preempt a synchronous wasm run: a slow model is measured after the run and refused then.
  let elapsedMs: number;
  try {
    if (text) ({ feeds, encoded } = text.task.feeds(manifest, text.tokenizer, [TRIAL_TEXT]));
    else feeds = generatedTensorFeeds(manifest);
    const started = performance.now();
    outputs = await session.run(feeds);
    elapsedMs = performance.now() - started;
  } catch (cause) {
    throw unrunnable(`The model does not run on a trial input built from its manifest: ${runtimeFailureReason(cause)}.`, cause);
  }
  if (elapsedMs > limits.maxRunMs) throw unrunnable(`The trial run took ${Math.round(elapsedMs)} ms, more than the ${limits.maxRunMs} ms allowed (MAX_TRIAL_RUN_MS).`);
  const total = Object.values(outputs).reduce((n, t) => n + bytesOf(t), 0);
  if (total > limits.maxOutputBytes) throw unrunnable(`The trial run's outputs take ${total} bytes, more than the ${limits.maxOutputBytes} allowed.`);
  for (const [name, tensor] of Object.entries(outputs)) {
    if (!tensor.type.startsWith('float')) continue;
    // float16 arrives as raw half bits: widen it before looking.
    const flat = tensor.type === 'float16' ? (fromHostTensor(tensor).data as number[]) : Array.from(tensor.data as ArrayLike<number>);
    if (flat.some((v) => !Number.isFinite(v))) throw unrunnable(`Output "${name}" of the trial run is not finite (NaN or infinity).`);
  }
  if (!text) return;
  await checkVocabularyFits(manifest, session, feeds, text.tokenizer);
  try {
    text.task.post(manifest, outputs, encoded!, [TRIAL_TEXT]);
  } catch (e) {
    // What post-processing finds wrong on a trial run is the manifest's fault: the upload is refused.
    if (e instanceof PareError) throw manifestMismatch(`On a trial run: ${e.message}`, typeof e.details?.field === 'string' ? e.details.field : 'postprocess');
    throw e;
  }
}
