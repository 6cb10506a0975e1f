import { dirname, join } from 'node:path';
import { PareError } from '@pare/errors';
import { cleanTexts, encodeText, inlineTokenizerSpec, parseManifest, type Manifest } from '@pare/runtime';
import { readFileRef } from './readFileRef';

// Datasets for batch inference and evaluation. A file is JSONL (one example per line) or a JSON array; an
// example is `{ "inputs": { <input name>: number | nested number array }, "label"?: number | string }` (the
// arrays are one example's tensor, without the batch axis) or `{ "text": "…", "label"?: … }`, which the
// variant manifest's tokenizer turns into inputs exactly as the edge does. "spam-assassin" names that
// dataset's held-out test split, split with the same seed as distillation.

export type NestedNumbers = number | NestedNumbers[];

export interface Example {
  inputs: Record<string, NestedNumbers>;
  label?: number | string;
}

interface RawExample {
  inputs?: Record<string, NestedNumbers>;
  text?: string;
  label?: number | string;
}

export interface DatasetRequest {
  data: string;
  model: string;
  manifest?: string;
  seed: number;
  limit?: number;
}

export interface Dataset {
  examples: Example[];
  /** Class names from the manifest, when one was read. */
  labels?: string[];
  source: string;
}

export async function loadDataset(request: DatasetRequest, signal?: AbortSignal): Promise<Dataset> {
  const corpus = request.data === 'spam-assassin' ? await spamAssassinTest(request.seed) : undefined;
  const raw = corpus ?? (await readExamples(request.data, signal));
  const limited = request.limit === undefined ? raw : raw.slice(0, request.limit);
  if (limited.length === 0) throw new PareError('dataset_empty', `data: ${request.data} holds no examples.`);
  if (!limited.some((e) => e.text !== undefined)) return { examples: limited as Example[], source: request.data };

  const manifest = await readManifest(request, signal);
  const preprocess = manifest.preprocess;
  // A variant that cleans mail itself is sent the corpus's whole mails, as a client would send them.
  const mails = corpus && preprocess?.clean ? await spamAssassinTest(request.seed, 'raw') : undefined;
  if (!preprocess) throw new PareError('manifest_invalid', `manifest: ${manifest.model}/${manifest.variant} has no preprocess.tokenizer, so text examples cannot be encoded.`);
  // Jobs encode text with the manifest's inline vocabulary; a Hugging Face variant's examples come as token ids.
  const tokenizer = inlineTokenizerSpec(manifest);
  const examples = limited.map((example, i): Example => {
    if (example.text === undefined) return example as Example;
    if (example.inputs) throw new PareError('dataset_invalid', `data: example ${i} has both "text" and "inputs"; give one.`);
    const [text] = cleanTexts(manifest, [mails?.[i]?.text ?? example.text]);
    const encoded = encodeText(tokenizer, text!);
    const inputs: Record<string, NestedNumbers> = { [preprocess.idsInput]: Array.from(encoded.ids) };
    if (preprocess.maskInput) inputs[preprocess.maskInput] = Array.from(encoded.attentionMask);
    return { inputs, label: example.label };
  });
  return { examples, labels: manifest.postprocess?.labels, source: request.data };
}

async function spamAssassinTest(seed: number, view: 'text' | 'raw' = 'text'): Promise<RawExample[]> {
  const { loadSpamAssassin, LABELS } = await import('@pare/distill');
  return loadSpamAssassin({ seed }).test.map((e) => ({ text: e[view], label: LABELS[e.label] }));
}

async function readManifest(request: DatasetRequest, signal?: AbortSignal): Promise<Manifest> {
  const ref = request.manifest ?? (/^https?:\/\//.test(request.model) ? new URL('manifest.json', request.model).href : join(dirname(request.model), 'manifest.json'));
  const text = new TextDecoder().decode(await readFileRef(ref, 'manifest', signal));
  return parseManifest(parseJson(text, 'manifest', ref));
}

async function readExamples(ref: string, signal?: AbortSignal): Promise<RawExample[]> {
  const text = new TextDecoder().decode(await readFileRef(ref, 'data', signal));
  const raw: Array<{ value: unknown; where: string }> = [];
  if (text.trimStart().startsWith('[')) {
    (parseJson(text, 'data', ref) as unknown[]).forEach((value, i) => raw.push({ value, where: `item ${i}` }));
  } else {
    text.split('\n').forEach((line, i) => {
      if (line.trim()) raw.push({ value: parseJson(line, 'data', ref, i + 1), where: `line ${i + 1}` });
    });
  }
  return raw.map(({ value, where }) => checkExample(value, where));
}

/**
 * JSON.parse with an error that names the file and the line only: JSON.parse's own message quotes the text,
 * which must not come back to the caller (the file could be anything the origin can read).
 */
function parseJson(text: string, field: string, ref: string, line?: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    const at = line ?? (position === undefined ? undefined : text.slice(0, Number(position)).split('\n').length);
    throw new PareError('dataset_invalid', `${field}: ${ref}${at === undefined ? '' : ` line ${at}`} is not valid JSON.`);
  }
}

function checkExample(value: unknown, where: string): RawExample {
  const example = value as RawExample | null;
  const hasInputs = typeof example?.inputs === 'object' && example.inputs !== null && !Array.isArray(example.inputs);
  const hasText = typeof example?.text === 'string';
  if (typeof example !== 'object' || example === null || (!hasInputs && !hasText)) {
    throw new PareError('dataset_invalid', `data: ${where} must be an object {"inputs": {<input name>: values}} or {"text": "…"}, with an optional "label".`);
  }
  if (example.label !== undefined && typeof example.label !== 'number' && typeof example.label !== 'string') {
    throw new PareError('dataset_invalid', `data: ${where} has a label that is neither a number nor a string.`);
  }
  return example;
}
