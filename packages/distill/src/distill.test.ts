import { decodeModel } from '@pare/onnx';
import { inlineTokenizerSpec, parseManifest } from '@pare/runtime';
import { describe, expect, it } from 'vitest';
import { distill } from './distill';

describe('distill (tiny end-to-end run)', () => {
  it('trains a teacher, distils a student, exports both with valid manifests', async () => {
    const phases = new Set<string>();
    const r = await distill({
      limit: 128, vocabSize: 300, maxLength: 24, batchSize: 32, seed: 3, temperature: 3, alpha: 0.5,
      teacher: { kind: 'train', size: { dModel: 32, heads: 2, layers: 2, ffDim: 64 }, epochs: 1 },
      student: { size: { dModel: 8, heads: 2, layers: 1, ffDim: 16 }, epochs: 1 },
      onProgress: (p) => phases.add(p.phase),
    });
    expect([...phases]).toEqual(['data', 'tokenizer', 'teacher', 'teacher-logits', 'student', 'export', 'evaluate']);
    expect(r.metrics.parameterRatio).toBeLessThan(0.25);
    expect(r.student.onnxMaxAbsDiff!).toBeLessThan(1e-4);
    expect(r.teacher.onnxMaxAbsDiff!).toBeLessThan(1e-4);
    expect(r.student.onnxWebMaxAbsDiff!).toBeLessThan(1e-4);
    const manifest = parseManifest(JSON.parse(JSON.stringify(r.manifest)));
    expect(manifest.variant).toBe('student');
    expect(manifest.postprocess?.labels).toEqual(['ham', 'spam']);
    expect(manifest.provenance.datasetChecksum).toBe(r.dataset.checksum);
    expect(manifest.provenance.seed).toBe(3);
    expect(inlineTokenizerSpec(manifest).vocab.length).toBe(300);
    expect(decodeModel(r.student.bytes).model.graph!.input.map((i) => i.name)).toEqual(['input_ids', 'attention_mask']);

    // A teacher given as ONNX (what `pare distill --teacher model.onnx` sends) distils the same way.
    const again = await distill({
      limit: 64, batchSize: 32, seed: 3, teacher: { kind: 'onnx', bytes: r.teacher.bytes, manifest: r.teacher.manifest },
      student: { size: { dModel: 8, heads: 2, layers: 1, ffDim: 16 }, epochs: 1 },
    });
    expect(again.teacher.metrics.n).toBe(64);
    expect(again.tokenizer).toEqual(r.tokenizer);
  }, 60_000);

  it('distils an ONNX teacher into a bag student on cleaned mail: calibrated, with a threshold for a target FPR in its manifest', async () => {
    const teacherRun = await distill({
      limit: 160, vocabSize: 300, maxLength: 32, batchSize: 32, seed: 4,
      teacher: { kind: 'train', size: { dModel: 16, heads: 2, layers: 1, ffDim: 32 }, epochs: 1 }, student: { size: { dModel: 8, heads: 2, layers: 1, ffDim: 16 }, epochs: 1 },
    });
    const phases: string[] = [];
    const r = await distill({
      limit: 160, seed: 4, text: 'mail', targetFpr: 0.01, positive: 'spam',
      teacher: { kind: 'onnx', bytes: teacherRun.teacher.bytes, manifest: teacherRun.teacher.manifest },
      student: { family: 'bag', buckets: 2048, dim: 8, epochs: 4, patience: 2 },
      onProgress: (p) => phases.push(p.message),
    });
    const manifest = parseManifest(JSON.parse(JSON.stringify(r.manifest)));
    expect(manifest.preprocess?.tokenizer).toMatchObject({ kind: 'hashed-ngrams', buckets: 2048 });
    expect(manifest.postprocess?.threshold?.label).toBe('spam');
    expect(manifest.postprocess?.threshold?.score).toBeGreaterThanOrEqual(0.5);
    expect(manifest.provenance.passes[0]!.options).toMatchObject({ family: 'bag', text: 'mail' });
    expect(r.bag!.temperature).toBeGreaterThan(0);
    expect(r.bag!.ece.calibrated).toBeLessThan(0.2);
    expect(manifest.metrics.expectedCalibrationError).toBe(r.bag!.ece.calibrated);
    expect(r.student.onnxWebMaxAbsDiff!).toBeLessThan(1e-4);
    expect(r.metrics.teacherAgreement).toBeGreaterThan(0.6);
    expect(phases.some((m) => /validation agreement by epoch/.test(m))).toBe(true);
  }, 120_000);

  it('distils a teacher that cleans mail into a student that reads mail the same way', async () => {
    const small = { limit: 64, vocabSize: 200, maxLength: 16, batchSize: 32, seed: 5 };
    const mailTeacher = await distill({ ...small, text: 'mail', teacher: { kind: 'train', size: { dModel: 16, heads: 2, layers: 1, ffDim: 32 }, epochs: 1 }, student: { size: { dModel: 8, heads: 2, layers: 1, ffDim: 16 }, epochs: 1 } });
    expect(mailTeacher.teacher.manifest.preprocess?.clean).toBe('mail');
    const r = await distill({ ...small, teacher: { kind: 'onnx', bytes: mailTeacher.teacher.bytes, manifest: mailTeacher.teacher.manifest }, student: { size: { dModel: 8, heads: 2, layers: 1, ffDim: 16 }, epochs: 1 } });
    expect(r.manifest.preprocess?.clean).toBe('mail');
    expect(r.manifest.provenance.passes[0]!.options).toMatchObject({ text: 'mail' });
    // The teacher read the same cleaned rows it was trained on: its test figures are the ones it was exported with.
    expect(r.teacher.metrics.accuracy).toBe(mailTeacher.teacher.metrics.accuracy);
  }, 60_000);

  it('refuses an unknown dataset', async () => {
    await expect(distill({ data: 'mnist' as 'spam-assassin' })).rejects.toThrow(/Unknown dataset/);
  });
});
