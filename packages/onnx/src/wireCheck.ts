import protobuf from 'protobufjs';
import type { InexactInteger, UnknownField } from './types';

export interface WireReport {
  unknownFields: UnknownField[];
  inexactIntegers: InexactInteger[];
}

const LONG_TYPES = new Set(['int64', 'uint64']);

/**
 * Walk the wire format of a message against its schema, with the paths a user can find again
 * ("model.graph.node[3].attribute[0]"). protobufjs skips unknown fields without a trace and turns int64 into
 * doubles; this walk is how both losses get reported instead of happening silently.
 */
export function inspectWire(type: protobuf.Type, bytes: Uint8Array, path = 'model'): WireReport {
  const report: WireReport = { unknownFields: [], inexactIntegers: [] };
  walk(type, bytes, path, report);
  return report;
}

function walk(type: protobuf.Type, bytes: Uint8Array, path: string, report: WireReport): void {
  const reader = protobuf.Reader.create(bytes);
  const seen = new Map<number, number>(); // elements so far per repeated field, for [i] in paths
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const fieldNumber = tag >>> 3;
    const wireType = tag & 7;
    const field = type.fieldsById[fieldNumber];
    if (!field) {
      report.unknownFields.push({ path, fieldNumber, wireType });
      reader.skipType(wireType);
      continue;
    }
    field.resolve();
    const index = seen.get(fieldNumber) ?? 0;
    const fieldPath = field.repeated ? `${path}.${field.name}[${index}]` : `${path}.${field.name}`;
    let count = 1;
    if (wireType === 2 && field.resolvedType instanceof protobuf.Type) {
      walk(field.resolvedType, reader.bytes(), fieldPath, report);
    } else if (LONG_TYPES.has(field.type) && (wireType === 0 || wireType === 2)) {
      count = checkLongs(reader, wireType, field, path, index, report);
    } else {
      reader.skipType(wireType);
    }
    seen.set(fieldNumber, index + count);
  }
}

/** Read int64 varints (one, or a packed run) and list those a double would round; returns how many were read. */
function checkLongs(reader: protobuf.Reader, wireType: number, field: protobuf.Field, path: string, index: number, report: WireReport): number {
  const unsigned = field.type === 'uint64';
  const start = field.repeated ? index : 0;
  let i = start;
  const readOne = (): void => {
    const long = (unsigned ? reader.uint64() : reader.int64()) as unknown as { low: number; high: number };
    const value = toBigInt(long.low, long.high, unsigned);
    if (!survivesAsNumber(value, unsigned)) {
      report.inexactIntegers.push({ path: field.repeated ? `${path}.${field.name}[${i}]` : `${path}.${field.name}`, value: value.toString() });
    }
    i++;
  };
  if (wireType === 2) {
    const end = reader.uint32() + reader.pos;
    while (reader.pos < end) readOne();
  } else {
    readOne();
  }
  return i - start;
}

function toBigInt(low: number, high: number, unsigned: boolean): bigint {
  const bits = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
  return unsigned ? bits : BigInt.asIntN(64, bits);
}

const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Whether decoding to a number and encoding back yields the same value. The extremes survive too: they round
 * to ±2^63 or 2^64, which the encoder clamps back to the extreme (Slice uses INT64_MAX as "to the end").
 */
function survivesAsNumber(value: bigint, unsigned: boolean): boolean {
  if (value >= -(2n ** 53n) && value <= 2n ** 53n) return true;
  if (BigInt(Number(value)) === value) return true;
  return unsigned ? value === UINT64_MAX : value === INT64_MAX;
}
