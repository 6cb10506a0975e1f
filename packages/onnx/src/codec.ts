import protobuf from 'protobufjs';
import { ONNX_PROTO } from './schema';
import { PareError } from '@pare/errors';
import { describeNonOnnx } from './fileFormat';
import { inspectWire } from './wireCheck';
import type { InexactInteger, Model, UnknownField } from './types';

const root = protobuf.parse(ONNX_PROTO, { keepCase: true }).root;
const ModelProto = root.lookupType('onnx.ModelProto');

// int64 becomes number: every consumer wants arithmetic on dims and attributes. Values a double cannot hold
// exactly are listed by the wire check (inexactIntegers) rather than corrupted silently.
const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: Number, arrays: true, defaults: false, oneofs: false };

export interface DecodedModel {
  /** Bytes fields (raw_data) are views into the decoded bytes: clone before changing them in place. */
  model: Model;
  /** Fields present in the bytes that the schema does not know; encodeModel does not write them back. */
  unknownFields: UnknownField[];
  /** int64/uint64 values beyond 2^53 that the number-typed model holds only approximately. */
  inexactIntegers: InexactInteger[];
}

/**
 * Decode ONNX ModelProto bytes. Throws PareError `onnx_invalid` for bytes that are not a well-formed model,
 * naming what the bytes look like when they are recognisably something else (JSON, an image, an archive…).
 */
export function decodeModel(bytes: Uint8Array): DecodedModel {
  if (bytes.byteLength === 0) throw new PareError('onnx_invalid', 'The file is empty: an ONNX model is a protobuf ModelProto.');
  let message: protobuf.Message;
  try {
    // A plain Uint8Array view, never a Node Buffer: protobufjs hands out bytes fields (raw_data) of the input's
    // class, and Buffer.slice() makes views where every other Uint8Array makes copies.
    message = ModelProto.decode(plainBytes(bytes));
  } catch (cause) {
    notOnnx(bytes, cause);
    const what = cause instanceof Error ? cause.message : String(cause);
    // protobufjs reports a length that runs past the end of the buffer as "index out of range".
    const pastEnd = /index out of range/i.test(what);
    throw new PareError(
      'onnx_invalid',
      pastEnd
        ? `Not a readable ONNX model: the protobuf is truncated or corrupt (a field runs past the end of the ${bytes.byteLength}-byte file; was a download or copy interrupted?).`
        : `Not a readable ONNX model: the protobuf is corrupt (${what}).`,
      { cause },
    );
  }
  const model = ModelProto.toObject(message, TO_OBJECT) as Model;
  if (!model.graph || model.ir_version === undefined) {
    notOnnx(bytes);
    throw new PareError('onnx_invalid', 'Not an ONNX model: the bytes decode as protobuf but have no graph or IR version (truncated, or another protobuf format).');
  }
  // IR 3 and later must declare opsets; a file that stops right after the graph loses them.
  if (model.ir_version >= 3 && model.opset_import.length === 0) {
    throw new PareError('onnx_invalid', 'Not a readable ONNX model: it declares no opset_import (the file may be truncated after its graph).');
  }
  const { unknownFields, inexactIntegers } = inspectWire(ModelProto, bytes);
  return { model, unknownFields, inexactIntegers };
}

/**
 * Throw when the bytes are recognisably another format. Only consulted once decoding has failed, so a valid
 * model can never be refused by a signature that happens to match its first bytes.
 */
function notOnnx(bytes: Uint8Array, cause?: unknown): void {
  const looksLike = describeNonOnnx(bytes);
  if (looksLike) {
    throw new PareError('onnx_invalid', `Not an ONNX model: the file is ${looksLike}`.replace(/\.?$/, '.'), { cause, details: { looksLike } });
  }
}

/** Encode a model back to ModelProto bytes. Unknown fields reported by decodeModel are not written. */
export function encodeModel(model: Model): Uint8Array {
  const message = ModelProto.fromObject(model as unknown as Record<string, unknown>);
  return plainBytes(ModelProto.encode(message).finish());
}

function plainBytes(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Walk the wire format against the schema and list every field number the schema does not define. */
export function findUnknownFields(bytes: Uint8Array): UnknownField[] {
  return inspectWire(ModelProto, bytes).unknownFields;
}
