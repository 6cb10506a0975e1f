import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PareError } from '@pare/errors';
import { decodeModel, encodeModel, findUnknownFields } from './codec';
import { GraphBuilder } from './graphBuilder';
import { makeTensor } from './tensorData';
import { DataType } from './dataType';
import { realModels } from '../test/fixtures';
import { bytesField, concat, encodeMessage, varintField } from '../test/wireBytes';

function tinyModel() {
  const b = new GraphBuilder('tiny');
  const x = b.input('x', 'float32', [2]);
  b.output(b.op('Relu', [x]), 'float32', [2]);
  return b.build();
}

/** The error decodeModel throws for these bytes. */
function decodeError(bytes: Uint8Array): PareError {
  try {
    decodeModel(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(PareError);
    return e as PareError;
  }
  throw new Error('decodeModel accepted the bytes');
}

describe('decodeModel / encodeModel', () => {
  it('round-trips a built model to equal objects', () => {
    const model = tinyModel();
    const { model: back } = decodeModel(encodeModel(model));
    expect(back.graph!.node.map((n) => n.op_type)).toEqual(['Relu']);
    expect(encodeModel(back)).toEqual(encodeModel(model));
  });

  it('keeps int64 extremes (Slice uses INT64_MAX for "to the end") through the round trip', () => {
    const model = tinyModel();
    const t = makeTensor('ends', DataType.INT64, [2], new BigInt64Array([2n ** 63n - 1n, -(2n ** 63n)]));
    Object.assign(t, { raw_data: undefined, int64_data: [Number(2n ** 63n - 1n), Number(-(2n ** 63n))] });
    model.graph!.initializer.push(t);
    const bytes = encodeModel(model);
    const { model: back, inexactIntegers } = decodeModel(bytes);
    expect(inexactIntegers).toEqual([]);
    expect(encodeModel(back)).toEqual(bytes);
  });

  it('reports int64 values a number cannot hold, with their path, instead of rounding them silently', () => {
    const model = tinyModel();
    model.graph!.initializer.push({ ...makeTensor('big', DataType.INT64, [2], [1, 2]), raw_data: undefined, int64_data: [7, 0] });
    // Write 2^53 + 1 by hand: no JavaScript number can carry it into the encoder.
    const tensor = encodeMessage('onnx.TensorProto', { name: 'odd', data_type: DataType.INT64, dims: [3], int64_data: ['1', '9007199254740993', '-9007199254740995'] });
    const graph = concat(encodeMessage('onnx.GraphProto', model.graph!), bytesField(5, tensor));
    const bytes = concat(encodeMessage('onnx.ModelProto', { ...model, graph: undefined }), bytesField(7, graph));
    const { inexactIntegers } = decodeModel(bytes);
    expect(inexactIntegers).toEqual([
      { path: 'model.graph.initializer[1].int64_data[1]', value: '9007199254740993' },
      { path: 'model.graph.initializer[1].int64_data[2]', value: '-9007199254740995' },
    ]);
  });
});

describe('unknown fields', () => {
  it('are reported at the model level with their field number', () => {
    const bytes = concat(encodeModel(tinyModel()), varintField(99, 5));
    const { unknownFields } = decodeModel(bytes);
    expect(unknownFields).toEqual([{ path: 'model', fieldNumber: 99, wireType: 0 }]);
  });

  it('are reported inside a node with the node index in the path', () => {
    const model = tinyModel();
    const relu = model.graph!.node[0]!;
    const node = concat(encodeMessage('onnx.NodeProto', relu), bytesField(42, new TextEncoder().encode('vendor extension')));
    const otherNode = encodeMessage('onnx.NodeProto', { ...relu, name: 'second', output: ['y2'] });
    const graph = concat(encodeMessage('onnx.GraphProto', { ...model.graph!, node: [] }), bytesField(1, otherNode), bytesField(1, node));
    const bytes = concat(encodeMessage('onnx.ModelProto', { ...model, graph: undefined }), bytesField(7, graph), varintField(77, 1));
    const { model: decoded, unknownFields } = decodeModel(bytes);
    expect(decoded.graph!.node.map((n) => n.name)).toEqual(['second', relu.name]);
    expect(unknownFields).toEqual([
      { path: 'model.graph.node[1]', fieldNumber: 42, wireType: 2 },
      { path: 'model', fieldNumber: 77, wireType: 0 },
    ]);
    expect(findUnknownFields(bytes)).toEqual(unknownFields);
  });

  it('are listed for a model written with a newer schema field deep inside a tensor', () => {
    const model = tinyModel();
    const tensor = concat(encodeMessage('onnx.TensorProto', makeTensor('w', DataType.FLOAT, [1], [1])), varintField(31, 1));
    const graph = concat(encodeMessage('onnx.GraphProto', model.graph!), bytesField(5, tensor));
    const bytes = concat(encodeMessage('onnx.ModelProto', { ...model, graph: undefined }), bytesField(7, graph));
    expect(decodeModel(bytes).unknownFields).toEqual([{ path: 'model.graph.initializer[0]', fieldNumber: 31, wireType: 0 }]);
  });
});

describe('bytes that are not an ONNX model', () => {
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

  it('an empty file', () => {
    expect(decodeError(new Uint8Array()).message).toMatch(/empty/);
  });

  it('a JSON file', () => {
    const e = decodeError(enc('{\n  "name": "model",\n  "layers": [1, 2, 3]\n}\n'));
    expect(e.code).toBe('onnx_invalid');
    expect(e.message).toMatch(/JSON/);
  });

  it('a PNG image', () => {
    const png = concat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), enc('IHDR'));
    expect(decodeError(png).message).toMatch(/PNG image/);
  });

  it('a Git LFS pointer, with the fix', () => {
    const pointer = enc('version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 4745517\n');
    expect(decodeError(pointer).message).toMatch(/Git LFS pointer.*git lfs pull/);
  });

  it('a ZIP archive (a PyTorch checkpoint)', () => {
    expect(decodeError(concat(new Uint8Array([0x50, 0x4b, 0x03, 0x04]), new Uint8Array(60))).message).toMatch(/ZIP archive.*torch\.onnx\.export/);
  });

  it('random bytes', () => {
    let seed = 12345;
    const random = Uint8Array.from({ length: 4096 }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff);
    const e = decodeError(random);
    expect(e.code).toBe('onnx_invalid');
    expect(e.message).toMatch(/not (a readable )?(an )?ONNX model/i);
  });

  it.each([0.5, 0.9, 0.999])('a real model cut at %s of its length', (fraction) => {
    const bytes = readFileSync(realModels.wakeWord);
    const e = decodeError(bytes.subarray(0, Math.floor(bytes.byteLength * fraction)));
    expect(e.code).toBe('onnx_invalid');
    expect(e.message).toMatch(/truncated/);
  });

  it('a model cut right after its graph (no opsets left)', () => {
    const full = encodeModel(tinyModel());
    const withoutOpsets = encodeMessage('onnx.ModelProto', { ...tinyModel(), opset_import: [] });
    expect(withoutOpsets.byteLength).toBeLessThan(full.byteLength);
    expect(decodeError(withoutOpsets).message).toMatch(/opset_import.*truncated/);
  });

  it('protobuf of another kind (no graph)', () => {
    expect(decodeError(varintField(1, 8)).message).toMatch(/no graph/);
  });
});
