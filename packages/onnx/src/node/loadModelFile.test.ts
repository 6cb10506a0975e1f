import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PareError } from '@pare/errors';
import { loadModelFile, saveModelFile } from './index';
import { decodeModel, encodeModel } from '../codec';
import { GraphBuilder } from '../graphBuilder';
import { readTensor, type TensorValues } from '../tensorData';
import type { Model } from '../types';
import { realModels } from '../../test/fixtures';

/** Values as a plain array, whatever typed array readTensor chose. */
const list = (v: TensorValues): Array<number | bigint> => Array.from(v as ArrayLike<number | bigint>);

const dir = mkdtempSync(path.join(tmpdir(), 'pare-onnx-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function loadError(file: string): Promise<PareError> {
  try {
    await loadModelFile(file);
  } catch (e) {
    expect(e).toBeInstanceOf(PareError);
    return e as PareError;
  }
  throw new Error(`loadModelFile accepted ${file}`);
}

/** y = x + w, with w (4 floats) stored in an external file. */
function externalModel(location: string, extra: Record<string, string> = {}): Model {
  const b = new GraphBuilder('ext');
  const x = b.input('x', 'float32', [4]);
  const w = b.initializer('w', 'float32', [4], [0, 0, 0, 0]);
  b.output(b.op('Add', [x, w]), 'float32', [4]);
  const model = b.build();
  const t = model.graph!.initializer[0]!;
  t.raw_data = undefined;
  t.data_location = 1;
  t.external_data = [{ key: 'location', value: location }, ...Object.entries(extra).map(([key, value]) => ({ key, value }))];
  return model;
}

const W = new Float32Array([1.5, -2, 0.25, 8]);

describe('loadModelFile', () => {
  it('loads a real model with its bytes', async () => {
    const loaded = await loadModelFile(realModels.wakeWord);
    expect(loaded.model.graph!.node.length).toBeGreaterThan(10);
    expect(loaded.bytes.byteLength).toBe(readFileSync(realModels.wakeWord).byteLength);
    expect(loaded.unknownFields).toEqual([]);
    expect(loaded.externalFiles).toEqual([]);
  });

  it('names a missing path, and suggests the .onnx it probably meant', async () => {
    const e = await loadError(path.join(dir, 'nope.onnx'));
    expect(e.code).toBe('model_not_found');
    expect(e.message).toContain('nope.onnx');
    writeFileSync(path.join(dir, 'tiny.onnx'), readFileSync(realModels.wakeWord));
    expect((await loadError(path.join(dir, 'tiny'))).message).toMatch(/Did you mean .*tiny\.onnx\?/);
  });

  it('refuses a directory and lists the models inside it', async () => {
    const sub = path.join(dir, 'models');
    mkdirSync(sub);
    writeFileSync(path.join(sub, 'a.onnx'), '');
    const e = await loadError(sub);
    expect(e.code).toBe('model_not_a_file');
    expect(e.message).toMatch(/is a directory.*a\.onnx/);
  });

  it.each([
    ['config.json', '{ "model": "bert", "layers": 12 }', /config\.json: not an ONNX model: the file is a JSON file/],
    ['photo.onnx', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]), /PNG image/],
    ['empty.onnx', '', /empty/],
    ['noise.onnx', Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919 + 13) % 251)), /not (a readable )?(an )?ONNX model/],
  ])('says what %s really is', async (name, content, message) => {
    writeFileSync(path.join(dir, name), content);
    const e = await loadError(path.join(dir, name));
    expect(e.code).toBe('onnx_invalid');
    expect(e.message).toMatch(message);
  });

  it('says a truncated real model is truncated', async () => {
    const bytes = readFileSync(realModels.sileroVad);
    writeFileSync(path.join(dir, 'cut.onnx'), bytes.subarray(0, bytes.byteLength >> 1));
    expect((await loadError(path.join(dir, 'cut.onnx'))).message).toMatch(/cut\.onnx: .*truncated/);
  });
});

describe('external data', () => {
  it('is read relative to the model folder at its offset, and the bytes then stand alone', async () => {
    const folder = path.join(dir, 'ext-ok');
    mkdirSync(path.join(folder, 'data'), { recursive: true });
    const file = new Uint8Array(32 + 16);
    file.set(new Uint8Array(W.buffer), 32);
    writeFileSync(path.join(folder, 'data', 'weights.bin'), file);
    writeFileSync(path.join(folder, 'model.onnx'), encodeModel(externalModel('data/weights.bin', { offset: '32', length: '16' })));
    const loaded = await loadModelFile(path.join(folder, 'model.onnx'));
    expect(loaded.externalFiles).toEqual([path.join(folder, 'data', 'weights.bin')]);
    const w = loaded.model.graph!.initializer[0]!;
    expect(w.data_location).toBeUndefined();
    expect(w.external_data).toEqual([]);
    expect(list(readTensor(w))).toEqual(Array.from(W));
    // The bytes stand alone: the weights are inline, so a runtime needs no folder to load them.
    const inline = decodeModel(loaded.bytes).model.graph!.initializer[0]!;
    expect(inline.external_data).toEqual([]);
    expect(list(readTensor(inline))).toEqual(Array.from(W));
  });

  it('names the tensor and the file when the data file is missing', async () => {
    const folder = path.join(dir, 'ext-missing');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'model.onnx'), encodeModel(externalModel('weights.bin')));
    const e = await loadError(path.join(folder, 'model.onnx'));
    expect(e.code).toBe('onnx_external_data');
    expect(e.message).toMatch(/Tensor "w" .*"weights\.bin".*does not exist/);
  });

  it('names the tensor and the file when the data file is short', async () => {
    const folder = path.join(dir, 'ext-short');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'weights.bin'), new Uint8Array(10));
    writeFileSync(path.join(folder, 'model.onnx'), encodeModel(externalModel('weights.bin')));
    expect((await loadError(path.join(folder, 'model.onnx'))).message).toMatch(/Tensor "w" needs 16 bytes at offset 0 of "weights\.bin".*ends after 10/);
  });

  it('refuses a declared length that does not match the shape, and paths outside the folder', async () => {
    const folder = path.join(dir, 'ext-bad');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'weights.bin'), new Uint8Array(64));
    writeFileSync(path.join(folder, 'len.onnx'), encodeModel(externalModel('weights.bin', { length: '12' })));
    expect((await loadError(path.join(folder, 'len.onnx'))).message).toMatch(/declares 12 bytes.*needs 16/);
    writeFileSync(path.join(folder, 'escape.onnx'), encodeModel(externalModel('../ext-ok/data/weights.bin')));
    expect((await loadError(path.join(folder, 'escape.onnx'))).message).toMatch(/outside the model's folder/);
  });
});

describe('saveModelFile', () => {
  it('writes a model that loads back identically, leaving no temporary file', async () => {
    const folder = path.join(dir, 'save');
    mkdirSync(folder);
    const { model, bytes } = await loadModelFile(realModels.wakeWord);
    const written = await saveModelFile(path.join(folder, 'out.onnx'), model);
    expect(Buffer.compare(Buffer.from(written), Buffer.from(bytes))).toBe(0);
    expect(readFileSync(path.join(folder, 'out.onnx')).equals(Buffer.from(bytes))).toBe(true);
    expect(readdirSync(folder)).toEqual(['out.onnx']);
  });

  it('leaves the previous file untouched and no temporary file when writing fails', async () => {
    const folder = path.join(dir, 'save-fail');
    mkdirSync(folder);
    const target = path.join(folder, 'out.onnx');
    copyFileSync(realModels.wakeWord, target);
    const { model } = await loadModelFile(realModels.wakeWord);
    // A model the encoder rejects fails before the disk is touched.
    const broken = { ...model, graph: { ...model.graph!, node: [{ ...model.graph!.node[0]!, attribute: [{ name: 'x', i: 'not a number' }] }] } } as unknown as Model;
    await expect(saveModelFile(target, broken)).rejects.toThrow();
    // A rename onto a directory fails after the temporary file was written: it must be removed.
    mkdirSync(path.join(folder, 'taken.onnx'));
    const e = await saveModelFile(path.join(folder, 'taken.onnx'), model).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(PareError);
    expect((e as PareError).code).toBe('model_write_failed');
    expect(readFileSync(target).equals(readFileSync(realModels.wakeWord))).toBe(true);
    expect(readdirSync(folder).sort()).toEqual(['out.onnx', 'taken.onnx']);
  });

  it('refuses a model that still points at external data, and a folder that does not exist', async () => {
    await expect(saveModelFile(path.join(dir, 'x.onnx'), externalModel('w.bin'))).rejects.toThrow(/still refers to external data/);
    const { model } = await loadModelFile(realModels.wakeWord);
    await expect(saveModelFile(path.join(dir, 'no', 'such', 'x.onnx'), model)).rejects.toThrow(/does not exist/);
  });
});

