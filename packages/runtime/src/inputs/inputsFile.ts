// The inputs file: sample inputs (and optional labels) a user gives to `pare eval --inputs` and
// `pare compress --inputs` (alias `--calibration`). JSON, so any tool can write it:
//
//   { "samples": [ { "x": { "dims": [1, 3, 48, 64], "data": [0.1, …], "type": "float32" } }, … ],
//     "labels": [3, 0, …] }
//
// Each sample maps every model input to its dims and flat row-major data; "type" is optional (the model's
// input type is used). "labels" is optional: one class index per sample, for accuracy.
import { z } from 'zod';
import { PareError } from '@pare/errors';
import type { ElementType, Feeds, HostTensor, ValueInfo } from '../backend/inferenceBackend';
import { hostTensor } from './hostTensor';

const tensorJson = z.object({
  dims: z.array(z.number().int().nonnegative()),
  data: z.array(z.number()),
  type: z.string().optional(),
});

const inputsFileSchema = z.object({
  samples: z.array(z.record(z.string(), tensorJson)).min(1),
  labels: z.array(z.number().int().nonnegative()).optional(),
});

export interface InputsFile {
  samples: Feeds[];
  labels?: number[];
}

/** Parse and check an inputs file against the model's inputs. Messages name the sample and input. */
export function parseInputsFile(text: string, inputs: readonly ValueInfo[]): InputsFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new PareError('input_invalid', `The inputs file is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  const parsed = inputsFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PareError('input_invalid', `The inputs file is not in the expected form at "${issue.path.join('.')}": ${issue.message}. Expected { "samples": [ { "<input>": { "dims": [...], "data": [...] } } ], "labels"?: [...] }.`);
  }
  const { samples, labels } = parsed.data;
  if (labels && labels.length !== samples.length) {
    throw new PareError('input_invalid', `The inputs file has ${samples.length} samples but ${labels.length} labels; give one label per sample.`);
  }
  const known = new Map(inputs.map((i) => [i.name, i]));
  const feeds = samples.map((sample, s) => {
    const out: Feeds = {};
    for (const name of Object.keys(sample)) {
      if (!known.has(name)) throw new PareError('input_invalid', `Sample ${s} has input "${name}", which the model does not have (it has ${[...known.keys()].join(', ')}).`);
    }
    for (const input of inputs) {
      const t = sample[input.name];
      if (!t) throw new PareError('input_invalid', `Sample ${s} lacks input "${input.name}".`);
      out[input.name] = checkedTensor(t, input, s);
    }
    return out;
  });
  return labels ? { samples: feeds, labels } : { samples: feeds };
}

function checkedTensor(t: z.infer<typeof tensorJson>, input: ValueInfo, s: number): HostTensor {
  const where = `Sample ${s}, input "${input.name}"`;
  if (input.shape.length > 0 && t.dims.length !== input.shape.length) {
    throw new PareError('input_invalid', `${where}: dims [${t.dims}] have rank ${t.dims.length}; the model wants rank ${input.shape.length} ([${input.shape.join(', ')}]).`);
  }
  input.shape.forEach((d, axis) => {
    if (typeof d === 'number' && d > 0 && t.dims[axis] !== d) {
      throw new PareError('input_invalid', `${where}: dimension ${axis} is ${t.dims[axis]}; the model fixes it to ${d}.`);
    }
  });
  const type = (t.type ?? input.type ?? 'float32') as ElementType;
  try {
    return hostTensor(type, t.dims, t.data);
  } catch (e) {
    throw new PareError('input_invalid', `${where}: ${(e as Error).message}`, { cause: e });
  }
}

/** Write samples in the inputs file form (the inverse of parseInputsFile). */
export function formatInputsFile(file: InputsFile): string {
  const samples = file.samples.map((feeds) =>
    Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, { type: t.type, dims: [...t.dims], data: Array.from(t.data, Number) }])),
  );
  return JSON.stringify(file.labels ? { samples, labels: file.labels } : { samples });
}
