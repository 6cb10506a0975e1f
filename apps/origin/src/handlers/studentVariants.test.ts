import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { encodeModel, type Model, type Tensor, type ValueInfo } from '@pare/onnx';
import { parseManifest } from '@pare/runtime';
import { recordingContext } from '../../test/recordingContext';
import { buildStudentVariants, type DistilledStudent } from './studentVariants';

// Compressed variants of a student, measured on its test split, without running the trainer: the "student"
// is a hand-built text classifier with the trainer's input names (logits = (ids · mask) W).

const L = 128;
const FLOAT = 1;
const INT64 = 7;

function valueInfo(name: string, type: number, dims: Array<number | string>): ValueInfo {
  return { name, type: { tensor_type: { elem_type: type, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } }, metadata_props: [] };
}

const weights = Array.from({ length: L * 2 }, (_, i) => Math.sin(i * 1.7) * 0.05);

function student(): Model {
  const W: Tensor = { name: 'W', dims: [L, 2], data_type: FLOAT, float_data: weights, int32_data: [], string_data: [], int64_data: [], external_data: [], double_data: [], uint64_data: [], metadata_props: [] };
  const cast = (input: string, output: string) => ({ op_type: 'Cast', input: [input], output: [output], attribute: [{ name: 'to', type: 2, i: FLOAT, floats: [], ints: [], strings: [], tensors: [], graphs: [], sparse_tensors: [], type_protos: [] }], metadata_props: [] });
  return {
    ir_version: 8, opset_import: [{ domain: '', version: 17 }], metadata_props: [], training_info: [], functions: [],
    graph: {
      name: 'text', initializer: [W], sparse_initializer: [], value_info: [], quantization_annotation: [], metadata_props: [],
      node: [
        cast('input_ids', 'ids_f'),
        cast('attention_mask', 'mask_f'),
        { op_type: 'Mul', input: ['ids_f', 'mask_f'], output: ['masked'], attribute: [], metadata_props: [] },
        { op_type: 'MatMul', input: ['masked', 'W'], output: ['logits'], attribute: [], metadata_props: [] },
      ],
      input: [valueInfo('input_ids', INT64, ['batch', L]), valueInfo('attention_mask', INT64, ['batch', L])],
      output: [valueInfo('logits', FLOAT, ['batch', 2])],
    },
  };
}

function distilled(): DistilledStudent {
  const model = student();
  const bytes = encodeModel(model);
  const n = 40;
  const ids = new Int32Array(n * L).map((_, i) => (i * 7919) % 50);
  const mask = new Float32Array(n * L).map((_, i) => (i % L < 20 + (Math.floor(i / L) % 60) ? 1 : 0));
  const labels = new Uint8Array(n).map((_, i) => i % 2);
  const manifest = parseManifest({
    model: 'spam', variant: 'student', sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.byteLength,
    inputs: [{ name: 'input_ids', dtype: 'int64', shape: ['batch', L] }, { name: 'attention_mask', dtype: 'int64', shape: ['batch', L] }],
    outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 2] }],
    task: 'text-classification',
    preprocess: { tokenizer: { kind: 'wordpiece', vocab: ['[PAD]', '[UNK]', 'a'], maxLength: L }, idsInput: 'input_ids', maskInput: 'attention_mask' },
    postprocess: { labels: ['ham', 'spam'], output: 'logits' },
    provenance: { passes: [{ name: 'distill', options: { temperature: 2 } }] },
  });
  return { studentModel: model, manifest, testSet: { n, maxLength: L, ids, mask, labels, hard: new Uint8Array(n) } };
}

/** The accuracy the student has, computed here in plain arithmetic. */
function expectedAccuracy(d: DistilledStudent): number {
  let correct = 0;
  for (let i = 0; i < d.testSet.n; i++) {
    const logit = [0, 1].map((k) => {
      let sum = 0;
      for (let j = 0; j < L; j++) sum += d.testSet.ids[i * L + j]! * d.testSet.mask[i * L + j]! * weights[j * 2 + k]!;
      return sum;
    });
    if ((logit[1]! > logit[0]! ? 1 : 0) === d.testSet.labels[i]) correct++;
  }
  return correct / d.testSet.n;
}

test('each variant is compressed, written with a manifest naming its source, and measured on the test split', async () => {
  const d = distilled();
  const ctx = recordingContext();
  const built = await buildStudentVariants(d, [
    { variant: 'student-copy', options: {} },
    { variant: 'student-int8', options: { quantize: 'int8-dynamic' } },
  ], ctx);
  expect(built.map((b) => b.variant)).toEqual(['student-copy', 'student-int8']);
  // Unchanged weights: the measured accuracy is exactly the arithmetic one.
  expect(built[0]!.accuracy).toBe(expectedAccuracy(d));
  expect(Math.abs(built[1]!.accuracy - expectedAccuracy(d))).toBeLessThanOrEqual(0.1);

  const int8 = parseManifest(JSON.parse(readFileSync(join(ctx.artifactsDir, 'student-int8.manifest.json'), 'utf8')));
  const bytes = readFileSync(join(ctx.artifactsDir, 'student-int8.onnx'));
  expect(int8.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  expect(int8.bytes).toBe(bytes.byteLength);
  expect(int8.bytes).toBeLessThan(d.manifest.bytes);
  expect(int8.provenance).toMatchObject({ source: 'student', sourceSha256: d.manifest.sha256 });
  expect(int8.provenance.passes.map((p) => p.name)).toEqual(['distill', expect.stringMatching(/int8-dynamic/)]);
  expect(int8.metrics.accuracy).toBe(built[1]!.accuracy);
  expect(int8.preprocess).toEqual(d.manifest.preprocess);
});
