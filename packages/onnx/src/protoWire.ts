// Protobuf wire format by hand, for code that must edit model bytes where protobufjs cannot decode them: its
// decoders are generated with `new Function`, which a Worker forbids. Fields are read as byte ranges so a rewrite
// copies every field it does not change verbatim.

export interface WireField {
  num: number;
  wireType: number;
  /** The whole field, tag included: buf.subarray(start, end). */
  start: number;
  end: number;
  /** Length-delimited fields: the payload range; varints: the varint's bytes. */
  valueStart: number;
  valueEnd: number;
}

function varintAt(buf: Uint8Array, pos: number): { value: bigint; next: number } {
  let value = 0n;
  let shift = 0n;
  for (let i = pos; i < buf.length; i++) {
    const b = buf[i]!;
    value |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return { value, next: i + 1 };
    shift += 7n;
  }
  throw new Error('truncated varint');
}

/** The fields of one message, in wire order. */
export function wireFields(buf: Uint8Array): WireField[] {
  const out: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    const tag = varintAt(buf, pos);
    pos = tag.next;
    const num = Number(tag.value >> 3n);
    const wireType = Number(tag.value & 7n);
    let valueStart = pos;
    switch (wireType) {
      case 0: pos = varintAt(buf, pos).next; break;
      case 1: pos += 8; break;
      case 5: pos += 4; break;
      case 2: {
        const len = varintAt(buf, pos);
        valueStart = len.next;
        pos = len.next + Number(len.value);
        break;
      }
      default: throw new Error(`unsupported wire type ${wireType}`);
    }
    if (pos > buf.length) throw new Error('field runs past the end of the message');
    out.push({ num, wireType, start, end: pos, valueStart, valueEnd: pos });
  }
  return out;
}

export function payload(buf: Uint8Array, f: WireField): Uint8Array {
  return buf.subarray(f.valueStart, f.valueEnd);
}

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

export function stringField(buf: Uint8Array, f: WireField): string {
  return utf8.decode(payload(buf, f));
}

/** A varint field's value as a signed 64-bit integer (int64/int32 fields), as a number. */
export function intField(buf: Uint8Array, f: WireField): number {
  return Number(BigInt.asIntN(64, varintAt(buf, f.valueStart).value));
}

/** The values of a repeated integer field, packed (wire type 2) or not. */
export function packedInts(buf: Uint8Array, fields: WireField[]): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if (f.wireType === 0) { out.push(intField(buf, f)); continue; }
    for (let pos = f.valueStart; pos < f.valueEnd;) {
      const v = varintAt(buf, pos);
      out.push(Number(BigInt.asIntN(64, v.value)));
      pos = v.next;
    }
  }
  return out;
}

function varintBytes(value: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) { out.push(Number(v & 0x7fn) | 0x80); v >>= 7n; }
  out.push(Number(v));
  return Uint8Array.from(out);
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

export function varintField(num: number, value: number): Uint8Array {
  return concatBytes([varintBytes(num << 3), varintBytes(value)]);
}

export function bytesField(num: number, value: Uint8Array | string): Uint8Array {
  const data = typeof value === 'string' ? utf8Encoder.encode(value) : value;
  return concatBytes([varintBytes((num << 3) | 2), varintBytes(data.length), data]);
}
