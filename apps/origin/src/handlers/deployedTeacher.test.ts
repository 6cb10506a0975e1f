import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EdgeClient } from '@pare/clients';
import { parseManifest, sha256Hex } from '@pare/runtime';
import { readModelFolder } from '@pare/runtime/folder';
import { variantManifest } from '@pare/runtime/manifest-builder';
import { startStandInEdge, type StandInEdge } from '../../test/standInEdge';
import { deployedTeacher } from './deployedTeacher';

// A deployed variant as a teacher, read through a stand-in of the edge's admin routes (real HTTP, the edge's
// paths, bodies and headers): bytes checked against the manifest, kept by sha256, a second read from the cache.

const TOKEN = 'tok';
const repo = join(import.meta.dirname, '../../../..');
const studentDir = join(repo, 'infra/models/spam/student-int8');
const studentBytes = new Uint8Array(readFileSync(join(studentDir, 'model.onnx')));
const studentManifest = JSON.parse(readFileSync(join(studentDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;

let edge: StandInEdge;
beforeAll(async () => {
  edge = await startStandInEdge(TOKEN);
  const client = new EdgeClient({ endpoint: edge.url, token: TOKEN });
  await client.deployVariant({ model: 'spam', variant: 'student-int8', bytes: studentBytes, manifest: { ...studentManifest, model: 'spam', variant: 'student-int8' } });
  const folder = await readModelFolder(join(repo, 'packages/runtime/test/fixtures/hf/distilbert-spam'));
  const manifest = folder.manifest ?? (await variantManifest(folder.modelBytes, { model: 'hf', variant: 'fp32', ...folder.fields }, folder.model));
  await client.deployVariant({ model: 'hf', variant: 'fp32', bytes: folder.modelBytes, manifest, tokenizer: folder.tokenizer.bytes });
});
afterAll(() => edge.close());

const ref = (model: string, variant: string) => ({ edge: edge.url, model, variant });

describe('deployedTeacher', () => {
  test('downloads the bytes and manifest, then reads them from the cache by sha256', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'pare-teacher-models-'));
    const files: string[] = [];
    const teacher = await deployedTeacher(ref('spam', 'student-int8'), { cacheDir, token: TOKEN, onFile: (file, from) => files.push(`${file} ${from}`) });
    expect(teacher.kind).toBe('onnx');
    expect(Array.from(teacher.bytes)).toEqual(Array.from(studentBytes));
    expect(teacher.manifest).toEqual(parseManifest({ ...studentManifest, model: 'spam', variant: 'student-int8' }));
    expect(teacher.tokenizerJson).toBeUndefined();
    expect(readdirSync(cacheDir)).toEqual([await sha256Hex(studentBytes)]);
    const again = await deployedTeacher(ref('spam', 'student-int8'), { cacheDir, token: TOKEN, onFile: (file, from) => files.push(`${file} ${from}`) });
    expect(Array.from(again.bytes)).toEqual(Array.from(studentBytes));
    expect(files).toEqual(['model.onnx edge', 'model.onnx cache']);
    expect(edge.downloads.filter((p) => p.endsWith('/spam/variants/student-int8/model.onnx'))).toHaveLength(1);
  });

  test("a Hugging Face variant brings its tokenizer.json, checked against the manifest's hash", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'pare-teacher-models-'));
    const teacher = await deployedTeacher(ref('hf', 'fp32'), { cacheDir, token: TOKEN });
    const tokenizer = readFileSync(join(repo, 'packages/runtime/test/fixtures/hf/distilbert-spam/tokenizer.json'));
    expect(Buffer.from(teacher.tokenizerJson!).equals(tokenizer)).toBe(true);
    expect(teacher.manifest.preprocess?.tokenizer).toMatchObject({ kind: 'huggingface', sha256: await sha256Hex(new Uint8Array(tokenizer)) });
    expect(readdirSync(cacheDir)).toHaveLength(2);
  });

  test('bytes that do not hash to the manifest are refused and not cached', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'pare-teacher-models-'));
    edge.corrupt = true;
    try {
      await expect(deployedTeacher(ref('spam', 'student-int8'), { cacheDir, token: TOKEN })).rejects.toMatchObject({ code: 'sha256_mismatch', message: expect.stringContaining('the bytes hash to') });
    } finally {
      edge.corrupt = false;
    }
    expect(existsSync(cacheDir) ? readdirSync(cacheDir) : []).toEqual([]);
  });

  test("the edge's refusals come back as its errors; no token says which variable to set", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'pare-teacher-models-'));
    await expect(deployedTeacher(ref('spam', 'nope'), { cacheDir, token: TOKEN })).rejects.toMatchObject({ code: 'variant_not_found', status: 404 });
    await expect(deployedTeacher(ref('spam', 'student-int8'), { cacheDir, token: 'wrong' })).rejects.toMatchObject({ code: 'forbidden', status: 403 });
    const saved = process.env.PARE_TOKEN;
    delete process.env.PARE_TOKEN;
    try {
      await expect(deployedTeacher(ref('spam', 'student-int8'), { cacheDir })).rejects.toMatchObject({ code: 'token_missing', message: expect.stringContaining('PARE_TOKEN') });
    } finally {
      if (saved !== undefined) process.env.PARE_TOKEN = saved;
    }
  });
});
