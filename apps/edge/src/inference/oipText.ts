// Text variants over the Open Inference Protocol: one BYTES input of texts, tokenized and run with the
// variant's task (answerTexts.ts), answered as named output tensors. The tensor inputs stay accepted too.
import { PareError } from '@pare/errors';
import type { HostTensor, Manifest } from '@pare/runtime';
import { answerTexts } from './answerTexts';
import type { ServingVariant } from './servingVariant';

export interface OipTensorMeta {
  name: string;
  datatype: string;
  shape: number[];
}

/** The input a text variant advertises in its metadata. */
export const TEXT_INPUT: OipTensorMeta = { name: 'text', datatype: 'BYTES', shape: [-1] };

const labelsOf = (manifest: Manifest): readonly string[] => manifest.postprocess?.labels ?? [];

/** The outputs a text variant's task answers with; undefined for a task that has no text form here. */
export function textOutputsMeta(manifest: Manifest): OipTensorMeta[] | undefined {
  switch (manifest.task) {
    case 'text-classification':
      return [{ name: 'label', datatype: 'BYTES', shape: [-1] }, { name: 'scores', datatype: 'FP32', shape: [-1, labelsOf(manifest).length] }];
    case 'feature-extraction':
      return [{ name: 'embedding', datatype: 'FP32', shape: [-1, -1] }];
    case 'token-classification':
      // One JSON text per input text: its entity spans, as /v1/models/:model/predict answers them.
      return [{ name: 'entities', datatype: 'BYTES', shape: [-1] }];
    default:
      return undefined;
  }
}

/** True when the variant takes texts and the request sends one BYTES input the model does not itself declare. */
export function isTextRequest(serving: ServingVariant, inputs: ReadonlyArray<{ name: string; datatype: string }>): boolean {
  return serving.tokenizer !== undefined && textOutputsMeta(serving.manifest) !== undefined && inputs.length === 1 && inputs[0]!.datatype === 'BYTES' && !serving.manifest.inputs.some((s) => s.name === inputs[0]!.name);
}

const matrix = (rows: number[][]): HostTensor => ({ type: 'float32', data: Float32Array.from(rows.flat()), dims: [rows.length, rows[0]?.length ?? 0] });

/** Run the texts; returns the task's outputs as tensors, by name. */
export async function runTextInputs(serving: ServingVariant, texts: string[]): Promise<{ outputs: Map<string, HostTensor>; inferMs: number; tokenizeMs: number }> {
  const task = serving.manifest.task;
  const outputs = new Map<string, HostTensor>();
  if (task === 'text-classification') {
    const run = await answerTexts(serving, texts, ['text-classification']);
    const labels = labelsOf(serving.manifest);
    outputs.set('label', { type: 'string', data: run.results.map((r) => r.label), dims: [texts.length] });
    outputs.set('scores', matrix(run.results.map((r) => labels.map((l) => r.scores[l] ?? 0))));
    return { outputs, inferMs: run.inferMs, tokenizeMs: run.tokenizeMs };
  }
  if (task === 'feature-extraction') {
    const run = await answerTexts(serving, texts, ['feature-extraction']);
    outputs.set('embedding', matrix(run.results));
    return { outputs, inferMs: run.inferMs, tokenizeMs: run.tokenizeMs };
  }
  if (task === 'token-classification') {
    const run = await answerTexts(serving, texts, ['token-classification']);
    outputs.set('entities', { type: 'string', data: run.results.map((r) => JSON.stringify(r)), dims: [texts.length] });
    return { outputs, inferMs: run.inferMs, tokenizeMs: run.tokenizeMs };
  }
  throw new PareError('input_invalid', `Variant "${serving.model}/${serving.variant}" (${task}) takes no BYTES text input over this protocol; send its tensor inputs.`, { status: 400 });
}
