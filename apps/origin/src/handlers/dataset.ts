import { PareError } from '@pare/errors';
import { readFileRef } from './readFileRef';

// Datasets for batch inference and evaluation: JSONL (one example per line) or a JSON array. An example is
// `{ "inputs": { <input name>: number | nested number array }, "label"?: number | string }`; the arrays are
// one example's tensor, without the batch dimension.

export type NestedNumbers = number | NestedNumbers[];

export interface Example {
  inputs: Record<string, NestedNumbers>;
  label?: number | string;
}

export async function loadDataset(ref: string, signal?: AbortSignal): Promise<Example[]> {
  const text = new TextDecoder().decode(await readFileRef(ref, 'data', signal));
  const trimmed = text.trimStart();
  const raw: Array<{ value: unknown; where: string }> = [];
  if (trimmed.startsWith('[')) {
    const parsed = parseJson(trimmed, 'the JSON file');
    (parsed as unknown[]).forEach((value, i) => raw.push({ value, where: `item ${i}` }));
  } else {
    text.split('\n').forEach((line, i) => {
      if (line.trim()) raw.push({ value: parseJson(line, `line ${i + 1}`), where: `line ${i + 1}` });
    });
  }
  if (raw.length === 0) throw new PareError('dataset_empty', `data: ${ref} holds no examples.`);
  return raw.map(({ value, where }) => checkExample(value, where));
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new PareError('dataset_invalid', `data: ${where} is not valid JSON (${cause instanceof Error ? cause.message : String(cause)}).`, { cause });
  }
}

function checkExample(value: unknown, where: string): Example {
  const example = value as Partial<Example> | null;
  if (typeof example !== 'object' || example === null || typeof example.inputs !== 'object' || example.inputs === null || Array.isArray(example.inputs)) {
    throw new PareError('dataset_invalid', `data: ${where} must be an object {"inputs": {<input name>: values}, "label"?: …}.`);
  }
  if (example.label !== undefined && typeof example.label !== 'number' && typeof example.label !== 'string') {
    throw new PareError('dataset_invalid', `data: ${where} has a label that is neither a number nor a string.`);
  }
  return example as Example;
}
