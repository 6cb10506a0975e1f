// An Open Inference Protocol inference request, checked once (its shape by oipRequestSchema.ts): its inputs
// (JSON `data` or binary data, the binary_tensor_data extension), the outputs it asks for and whether each comes
// back as binary data.
import { PareError } from '@pare/errors';
import type { Feeds, HostTensor, Manifest } from '@pare/runtime';
import type { FramedBody } from '../http/binaryBody';
import { datatypeOfOrt, ortOfDatatype } from './oipDatatypes';
import { tensorFromBinary, decodeTexts, tensorToBinary } from './binaryTensors';
import { flattenNested, fromHostTensor, toHostTensor } from './tensorCodec';
import { textList } from './textsOf';
import { parseOipRequestJson } from './oipRequestSchema';

export interface OipInput {
  name: string;
  shape: number[];
  datatype: string;
  /** JSON `data`, flattened; absent when the input came as binary data. */
  data?: unknown[];
  binary?: Uint8Array;
}

export interface OipRequest {
  id?: string;
  inputs: OipInput[];
  /** Output names asked for (all when undefined), each with whether it is wanted as binary data. */
  outputs?: Array<{ name: string; binary?: boolean }>;
  /** `parameters.binary_data_output`: every output as binary data unless it says otherwise. */
  binaryByDefault: boolean;
}

export function oipInvalid(message: string): PareError {
  return new PareError('input_invalid', message, { status: 400 });
}

export function parseOipRequest(body: FramedBody): OipRequest {
  const { binary } = body;
  const header = parseOipRequestJson(body.header);
  let offset = 0;
  const inputs = header.inputs.map((input, i): OipInput => {
    ortOfDatatype(input.datatype);
    const size = input.parameters?.binary_data_size;
    const base = { name: input.name, shape: input.shape as number[], datatype: input.datatype };
    if (size === undefined) {
      if (input.data === undefined) throw oipInvalid(`inputs[${i}] ("${input.name}") has neither "data" nor parameters.binary_data_size.`);
      return { ...base, data: flattenNested(input.data, input.name).data };
    }
    if (input.data !== undefined) throw oipInvalid(`inputs[${i}] ("${input.name}") has both "data" and binary data; send one.`);
    if (offset + size > binary.byteLength) {
      throw oipInvalid(`inputs[${i}] ("${input.name}") says ${size} bytes of binary data, but only ${binary.byteLength - offset} follow the JSON header (Inference-Header-Content-Length).`);
    }
    const slice = binary.subarray(offset, offset + size);
    offset += size;
    return { ...base, binary: slice };
  });
  if (offset !== binary.byteLength) throw oipInvalid(`The body has ${binary.byteLength} bytes after the JSON header but the inputs' binary_data_size add up to ${offset}.`);
  const outputs = header.outputs?.map((o) => ({ name: o.name, binary: o.parameters?.binary_data }));
  return { id: header.id, inputs, outputs, binaryByDefault: header.parameters?.binary_data_output ?? false };
}

/** The texts of a BYTES input, from JSON strings or binary elements. */
export function textsOfInput(input: OipInput): string[] {
  const texts = input.binary ? decodeTexts(input.binary, input.name) : input.data!;
  const list = textList(texts, input.name);
  const elements = input.shape.reduce((a, b) => a * b, 1);
  if (elements !== list.length) throw oipInvalid(`Input "${input.name}" has ${list.length} texts but shape [${input.shape.join(', ')}] needs ${elements}.`);
  return list;
}

/** The model's feeds: every declared input once, of its declared datatype and shape. */
export function feedsOfInputs(manifest: Manifest, inputs: readonly OipInput[]): Feeds {
  const feeds: Feeds = {};
  for (const input of inputs) {
    const spec = manifest.inputs.find((s) => s.name === input.name);
    if (!spec) throw oipInvalid(`Unknown input "${input.name}"; the model takes ${manifest.inputs.map((s) => `"${s.name}"`).join(', ')}.`);
    if (ortOfDatatype(input.datatype) !== spec.dtype) throw oipInvalid(`Input "${spec.name}" has datatype ${datatypeOfOrt(spec.dtype)}, got ${input.datatype}.`);
    if (feeds[spec.name]) throw oipInvalid(`Input "${spec.name}" is given twice.`);
    feeds[spec.name] = input.binary ? tensorFromBinary(spec, input.shape, input.binary) : toHostTensor(spec, input.shape, input.data!);
  }
  for (const spec of manifest.inputs) if (!feeds[spec.name]) throw oipInvalid(`Missing input "${spec.name}".`);
  return feeds;
}

/** Refuses, before anything runs, an asked-for output the variant does not have. */
export function checkOutputNames(request: OipRequest, names: readonly string[]): void {
  request.outputs?.forEach((o, i) => {
    if (!names.includes(o.name)) throw oipInvalid(`outputs[${i}].name must be one of ${names.map((n) => `"${n}"`).join(', ')}.`);
  });
}

/** The response's outputs (JSON data, or binary data with its size) and the binary chunks, in output order. */
export function encodeOutputs(request: OipRequest, results: ReadonlyMap<string, HostTensor>): { outputs: unknown[]; chunks: Uint8Array[] } {
  const names = [...results.keys()];
  checkOutputNames(request, names);
  const wanted = request.outputs ?? names.map((name) => ({ name, binary: undefined }));
  const chunks: Uint8Array[] = [];
  const outputs = wanted.map((o) => {
    const tensor = results.get(o.name)!;
    const meta = { name: o.name, shape: [...tensor.dims], datatype: datatypeOfOrt(tensor.type) };
    if (o.binary ?? request.binaryByDefault) {
      const bytes = tensorToBinary(tensor);
      chunks.push(bytes);
      return { ...meta, parameters: { binary_data_size: bytes.byteLength } };
    }
    return { ...meta, data: fromHostTensor(tensor).data };
  });
  return { outputs, chunks };
}
