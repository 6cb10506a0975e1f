// Hand-written protobuf wire bytes, for crafting models the codec's schema does not fully describe.
import protobuf from 'protobufjs';
import { ONNX_PROTO } from '../src/schema';

const root = protobuf.parse(ONNX_PROTO, { keepCase: true }).root;

/** Encode a plain object as the named ONNX message (e.g. "onnx.NodeProto"). */
export function encodeMessage(type: string, value: object): Uint8Array {
  const t = root.lookupType(type);
  return t.encode(t.fromObject(value as Record<string, unknown>)).finish();
}

/** A length-delimited field (wire type 2). */
export function bytesField(fieldNumber: number, payload: Uint8Array): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32((fieldNumber << 3) | 2).bytes(payload);
  return w.finish();
}

/** A varint field (wire type 0). */
export function varintField(fieldNumber: number, value: number): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32(fieldNumber << 3).uint64(value);
  return w.finish();
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.byteLength; }
  return out;
}
