// The shape of an Open Inference Protocol inference request (its JSON, or the JSON header of a binary body), as a
// zod schema. Each refusal names the field at fault the way the protocol's docs do: `inputs[0].shape must be …`.
import { z } from 'zod';
import { parseOrRefuse } from '../http/zodRefusal';

const nonNegativeInts = (value: unknown[]): boolean => value.every((d) => Number.isInteger(d) && (d as number) >= 0);

const inputSchema = z.object(
  {
    name: z.string({ error: 'must be a string.' }),
    shape: z.array(z.unknown(), { error: 'must be an array of non-negative integers.' }).refine(nonNegativeInts, { error: 'must be an array of non-negative integers.' }),
    datatype: z.string({ error: 'must be a string such as "FP32".' }),
    data: z.unknown().optional(),
    parameters: z.looseObject({ binary_data_size: z.number({ error: 'must be a non-negative integer.' }).int({ error: 'must be a non-negative integer.' }).nonnegative({ error: 'must be a non-negative integer.' }).optional() }, { error: 'must be an object.' }).optional(),
  },
  { error: 'must be an object {name, shape, datatype, data}.' },
);

const outputSchema = z.object(
  {
    name: z.string({ error: 'must be a string.' }),
    parameters: z.looseObject({ binary_data: z.boolean({ error: 'must be true or false.' }).optional() }, { error: 'must be an object.' }).optional(),
  },
  { error: 'must be an object {name}.' },
);

export const oipRequestSchema = z.looseObject({
  id: z.string({ error: 'must be a string.' }).optional(),
  inputs: z.array(inputSchema, { error: 'must be a non-empty array of {name, shape, datatype, data}.' }).min(1, { error: 'must be a non-empty array of {name, shape, datatype, data}.' }),
  outputs: z.array(outputSchema, { error: 'must be an array of {name}.' }).optional(),
  parameters: z.looseObject({ binary_data_output: z.boolean({ error: 'must be true or false.' }).optional() }, { error: 'must be an object.' }).optional(),
});

export type OipRequestJson = z.output<typeof oipRequestSchema>;

/** `inputs[0].shape`; a top-level field is quoted (`"inputs"`), as the messages have always said. */
function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 1) return `"${String(path[0])}"`;
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/** The request, or a 400 naming its first wrong field. */
export function parseOipRequestJson(value: unknown): OipRequestJson {
  return parseOrRefuse(oipRequestSchema, value, { message: (issue) => `${issue.path.length === 0 ? 'The request' : fieldName(issue.path)} ${issue.message}` });
}
