import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { maxAbsError } from '@pare/compress';
import { decodeModel } from '@pare/onnx';
import { gzipSize, parseManifest, sha256Hex } from '@pare/runtime';
import { nodeInt8ProductsSaturate } from '@pare/runtime/node';
import { describe, expect, it } from 'vitest';
import { loadSpamAssassin } from '../src/data/spamAssassin';
import { textLogits } from '../src/export/textLogits';
import { argmaxRows, classifierMetrics } from '../src/train/metrics';
import { compressStudent } from './compressVariants';

// The committed default model (infra/models/spam, written by `npm run models`) is what its manifests say: the
// bytes hash to the manifest's sha256, every variant cleans mail at serving time, the students carry the threshold,
// and whole raw test mails fed through a student's manifest (cleaning, tokenizer) reproduce its recorded accuracy,
// onnxruntime-web agreeing with onnxruntime-node (or, on a CPU where onnxruntime-node saturates u8 × s8 products,
// each staying close to the fp32 student and predicting as it does).

const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../infra/models/spam');
const variants = existsSync(dir) ? readdirSync(dir).filter((v) => existsSync(join(dir, v, 'manifest.json'))) : [];
const load = (v: string) => ({ bytes: new Uint8Array(readFileSync(join(dir, v, 'model.onnx'))), manifest: parseManifest(JSON.parse(readFileSync(join(dir, v, 'manifest.json'), 'utf8'))) });

describe.skipIf(!existsSync(join(dir, 'student', 'manifest.json')))('committed default spam model', () => {
  it('has bytes that match each manifest, cleans mail in every variant, and students smaller than the teacher with a threshold', async () => {
    const teacher = load('teacher');
    for (const v of variants) {
      const { bytes, manifest } = load(v);
      expect(await sha256Hex(bytes)).toBe(manifest.sha256);
      expect(bytes.byteLength).toBe(manifest.bytes);
      expect(await gzipSize(bytes)).toBe(manifest.gzipBytes);
      expect(manifest.provenance.datasetChecksum).toBe(teacher.manifest.provenance.datasetChecksum);
      expect(manifest.preprocess?.clean).toBe('mail');
      if (v !== 'teacher') {
        expect(manifest.preprocess?.tokenizer.kind).toBe('hashed-ngrams');
        expect(manifest.postprocess?.threshold).toMatchObject({ label: 'spam' });
        expect(bytes.byteLength).toBeLessThan(teacher.bytes.byteLength);
      }
    }
  });

  it('ships the teacher, the student and its int8 form, no two of them the same bytes', async () => {
    expect(variants).toEqual(expect.arrayContaining(['teacher', 'student', 'student-int8']));
    const hashes = await Promise.all(variants.map(async (v) => sha256Hex(load(v).bytes)));
    expect(new Set(hashes).size).toBe(variants.length);
  });

  it('has compressed variants that the script\'s passes rebuild byte for byte from the committed student', async () => {
    const student = load('student');
    for (const c of compressStudent(decodeModel(student.bytes).model)) {
      const { manifest } = load(c.variant);
      expect(await sha256Hex(c.bytes)).toBe(manifest.sha256);
      expect(manifest).toMatchObject({ task: student.manifest.task, preprocess: student.manifest.preprocess, postprocess: student.manifest.postprocess });
      expect(manifest.provenance).toMatchObject({ source: 'student', sourceSha256: student.manifest.sha256 });
    }
  });

  it('reproduces the manifest accuracy from whole raw mails through the manifest, identically in node and web runtimes (near fp32 in each where node saturates int8)', async () => {
    const { manifest } = load('student');
    const data = loadSpamAssassin({ seed: manifest.provenance.seed });
    expect(data.checksum).toBe(manifest.provenance.datasetChecksum);
    const test = { n: data.test.length, labels: Uint8Array.from(data.test, (e) => e.label), hard: Uint8Array.from(data.test, (e) => (e.hard ? 1 : 0)) };
    const raw = data.test.map((e) => e.raw);
    const saturates = await nodeInt8ProductsSaturate();
    let fp32: Float32Array | undefined;
    for (const v of ['student', 'student-int8']) {
      const m = load(v);
      const node = await textLogits(m.bytes, m.manifest, raw, 'node');
      const web = await textLogits(m.bytes, m.manifest, raw, 'web');
      expect(classifierMetrics(web, test).accuracy).toBeCloseTo(m.manifest.metrics.accuracy!, 9);
      if (v === 'student-int8' && saturates) {
        expect(maxAbsError(node, fp32!)).toBeLessThan(0.2);
        expect(maxAbsError(web, fp32!)).toBeLessThan(0.03);
        expect(argmaxRows(node, 2)).toEqual(argmaxRows(fp32!, 2));
        expect(argmaxRows(web, 2)).toEqual(argmaxRows(fp32!, 2));
      } else {
        expect(maxAbsError(node, web)).toBeLessThan(1e-4);
      }
      fp32 ??= node;
    }
  }, 120_000);
});
