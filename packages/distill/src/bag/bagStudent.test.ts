import { init } from '@jax-js/jax';
import { hashedNgramSpecOf } from '@pare/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSpamAssassin } from '../data/spamAssassin';
import { textLogits } from '../export/textLogits';
import { compressStudent } from '../../scripts/compressVariants';
import { argmaxRows, classifierMetrics } from '../train/metrics';
import { bagLogits, initBag } from './bagModel';
import { wordFeatures } from './bagFeatures';
import { exportBag } from './exportBag';
import { trainBag } from './trainBag';

// The hashed n-gram student end to end on a slice of the corpus: trained with the KD loss, exported, and run as
// the edge runs it (raw texts through the manifest's tokenizer, onnxruntime-web wasm).

const data = loadSpamAssassin({ seed: 1, limit: 300, text: 'mail' });
const spec = hashedNgramSpecOf({ kind: 'hashed-ngrams', buckets: 4096, wordNgrams: 2, charNgrams: { min: 3, max: 4 }, maxLength: 1024 });
const features = wordFeatures(spec);
const [train, val, test] = [features.encode(data.train), features.encode(data.val), features.encode(data.test)];
// A stand-in teacher that is sure of the labels: distillation must still learn from its soft targets.
const teacherOf = (labels: Uint8Array) => Float32Array.from({ length: labels.length * 2 }, (_, i) => (i % 2 === labels[i >> 1] ? 3 : -3));

beforeAll(() => init('wasm'));

describe('bag student', () => {
  it('learns the split by KD, keeps the best validation epoch and stops when agreement stops improving', async () => {
    const model = initBag({ buckets: spec.buckets, dim: 8, numLabels: 2 }, 1);
    const r = await trainBag(model, train, {
      epochs: 30, batchSize: 16, learningRate: 0.02, seed: 1, kd: { temperature: 2, alpha: 0.7, teacherLogits: teacherOf(train.labels) },
      validation: val, validationTeacherLogits: teacherOf(val.labels), patience: 2,
    });
    expect(r.losses.at(-1)!).toBeLessThan(r.losses[0]!);
    expect(r.stoppedEarly).toBe(true);
    expect(r.validationScore!.length).toBeLessThan(30);
    expect(Math.max(...r.validationScore!)).toBe(r.validationScore![r.bestEpoch!]);
    expect(classifierMetrics(bagLogits(model, test), test).accuracy).toBeGreaterThan(0.85);
    // Row 0 is padding: nothing ever hashes to it, so it stays zero.
    expect(model.weights.emb.subarray(0, 8).every((v) => v === 0)).toBe(true);
  });

  it('exports an ONNX model that gives the trainer logits from raw texts in node and wasm, also after int8', async () => {
    const model = initBag({ buckets: spec.buckets, dim: 8, numLabels: 2 }, 2);
    await trainBag(model, train, { epochs: 3, batchSize: 16, learningRate: 0.02, seed: 2 });
    const texts = data.test.map((e) => e.text);
    const exported = await exportBag(model, test, texts, {
      model: 'spam', variant: 'bag', features, temperature: 1.5, threshold: { label: 'spam', score: 0.7 }, provenance: { seed: 2, datasetChecksum: data.checksum },
    });
    expect(exported.onnxMaxAbsDiff!).toBeLessThan(1e-4);
    expect(exported.onnxWebMaxAbsDiff!).toBeLessThan(1e-4);
    expect(exported.manifest.preprocess?.tokenizer).toEqual(spec);
    expect(exported.manifest.postprocess?.threshold).toEqual({ label: 'spam', score: 0.7 });
    expect(exported.manifest.metrics.temperature).toBe(1.5);
    // Temperature scaling is folded into the graph: ONNX logits are the trainer's divided by T.
    const raw = bagLogits(model, test);
    expect(exported.testLogits[1]).toBeCloseTo(raw[1]! / 1.5, 5);

    const [int8] = compressStudent(exported.onnx);
    const web = await textLogits(int8!.bytes, exported.manifest, texts, 'web');
    const same = argmaxRows(web, 2).filter((p, i) => p === argmaxRows(exported.testLogits, 2)[i]).length;
    expect(same / texts.length).toBeGreaterThan(0.97);
    // int8 rows plus one float scale per row of 8.
    expect(int8!.bytes.byteLength).toBeLessThan(exported.bytes.byteLength / 2);
  });
});
