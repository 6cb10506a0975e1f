import protobuf from 'protobufjs';
import { ONNX_PROTO } from './schema';
import { PareError } from '@pare/errors';
import type { Model, UnknownField } from './types';

const root = protobuf.parse(ONNX_PROTO, { keepCase: true }).root;
const ModelProto = root.lookupType('onnx.ModelProto');

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: Number, arrays: true, defaults: false, oneofs: false };

export interface DecodedModel {
  model: Model;
  /** Fields present in the bytes that the schema does not know; they are not kept by encodeModel. */
  unknownFields: UnknownField[];
}

/** Decode ONNX ModelProto bytes. Throws PareError `onnx_invalid` for bytes that are not a well-formed model. */
export function decodeModel(bytes: Uint8Array): DecodedModel {
  if (bytes.byteLength === 0) throw new PareError('onnx_invalid', 'The file is empty: an ONNX model is a protobuf ModelProto.');
  let message: protobuf.Message;
  try {
    message = ModelProto.decode(bytes);
  } catch (cause) {
    const what = cause instanceof Error ? cause.message : String(cause);
    const truncated = /index out of range|invalid wire type|offset/i.test(what);
    throw new PareError(
      'onnx_invalid',
      truncated
        ? `Not a readable ONNX model: the protobuf is truncated or corrupt (${what}).`
        : `Not an ONNX model: ${what}.`,
      { cause },
    );
  }
  const model = ModelProto.toObject(message, TO_OBJECT) as Model;
  if (!model.graph || model.ir_version === undefined) {
    throw new PareError('onnx_invalid', 'Not an ONNX model: the bytes decode but have no graph or IR version.');
  }
  return { model, unknownFields: findUnknownFields(bytes) };
}

/** Encode a model back to ModelProto bytes. */
export function encodeModel(model: Model): Uint8Array {
  const message = ModelProto.fromObject(model as unknown as Record<string, unknown>);
  return ModelProto.encode(message).finish();
}

/** Walk the wire format against the schema and list every field number the schema does not define. */
export function findUnknownFields(bytes: Uint8Array): UnknownField[] {
  const found: UnknownField[] = [];
  walk(ModelProto, bytes, 'model', found);
  return found;
}

function walk(type: protobuf.Type, bytes: Uint8Array, path: string, found: UnknownField[]): void {
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const fieldNumber = tag >>> 3;
    const wireType = tag & 7;
    const field = type.fieldsById[fieldNumber];
    if (!field) {
      found.push({ path, fieldNumber, wireType });
      reader.skipType(wireType);
      continue;
    }
    field.resolve();
    if (wireType === 2 && field.resolvedType instanceof protobuf.Type) {
      const sub = reader.bytes();
      walk(field.resolvedType, sub, `${path}.${field.name}`, found);
    } else {
      reader.skipType(wireType);
    }
  }
}
