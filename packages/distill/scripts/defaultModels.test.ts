import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { maxAbsError } from '@pare/compress';
import { decodeModel } from '@pare/onnx';
import { gzipSize, inlineTokenizerSpec, parseManifest, sha256Hex } from '@pare/runtime';
import { nodeInt8ProductsSaturate } from '@pare/runtime/node';
import { describe, expect, it } from 'vitest';
import { encodeExamples } from '../src/data/encode';
import { loadSpamAssassin } from '../src/data/spamAssassin';
import { argmaxRows, classifierMetrics } from '../src/train/metrics';
import { onnxLogits } from '../src/export/onnxLogits';
import { compressStudent } from './compressVariants';

// The committed default model (infra/models/spam, written by `npm run models`) is what its manifests say:
// the bytes hash to the manifest's sha256, the edge tokenizer on the manifest's vocabulary reproduces the test
// accuracy, and onnxruntime-web agrees with onnxruntime-node on every test email (or, on a CPU where
// onnxruntime-node saturates u8 × s8 products, each stays close to the fp32 student and predicts as it does).

const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../infra/models/spam');
const variants = ['teacher', 'student', 'student-int8', 'student-p50-int8'];
const load = (v: string) => ({ bytes: new Uint8Array(readFileSync(join(dir, v, 'model.onnx'))), manifest: parseManifest(JSON.parse(readFileSync(join(dir, v, 'manifest.json'), 'utf8'))) });
const names = { ids: 'input_ids', mask: 'attention_mask', logits: 'logits' };

describe.skipIf(!existsSync(join(dir, 'student', 'manifest.json')))('committed default spam model', () => {
  it('has bytes that match each manifest, students under a quarter of the teacher and under 2 MB', async () => {
    const teacher = load('teacher').manifest;
    for (const v of variants) {
      const { bytes, manifest } = load(v);
      expect(await sha256Hex(bytes)).toBe(manifest.sha256);
      expect(bytes.byteLength).toBe(manifest.bytes);
      expect(await gzipSize(bytes)).toBe(manifest.gzipBytes);
      expect(manifest.provenance.datasetChecksum).toBe(teacher.provenance.datasetChecksum);
      if (v !== 'teacher') {
        expect(manifest.parameters! / teacher.parameters!).toBeLessThanOrEqual(0.25);
        expect(bytes.byteLength).toBeLessThan(2 * 1024 * 1024);
      }
    }
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

  it('reproduces the manifest accuracy from the manifest tokenizer, identically in node and web runtimes (near fp32 in each where node saturates int8)', async () => {
    const { manifest } = load('student');
    const data = loadSpamAssassin({ seed: manifest.provenance.seed });
    expect(data.checksum).toBe(manifest.provenance.datasetChecksum);
    const test = encodeExamples(inlineTokenizerSpec(manifest), data.test);
    const saturates = await nodeInt8ProductsSaturate();
    let fp32: Float32Array | undefined;
    for (const v of ['student', 'student-int8']) {
      const m = load(v);
      const node = await onnxLogits(m.bytes, test, names, 2);
      const web = await onnxLogits(m.bytes, test, names, 2, 256, 'web');
      expect(classifierMetrics(node, test).accuracy).toBeCloseTo(m.manifest.metrics.accuracy!, 9);
      if (v === 'student-int8' && saturates) {
        // Measured on such a CPU: max |Δlogit| vs fp32 0.107 in node, 0.017 in wasm (logits up to 2.9); same argmax.
        expect(maxAbsError(node, fp32!)).toBeLessThan(0.2);
        expect(maxAbsError(web, fp32!)).toBeLessThan(0.03);
        expect(argmaxRows(node, 2)).toEqual(argmaxRows(fp32!, 2));
        expect(argmaxRows(web, 2)).toEqual(argmaxRows(fp32!, 2));
      } else {
        expect(maxAbsError(node, web)).toBeLessThan(1e-4);
      }
      fp32 ??= node;
    }
  }, 60_000);
});
