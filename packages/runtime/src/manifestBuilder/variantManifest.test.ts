import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, encodeModel, type Model } from '@pare/onnx';
import { gzipSize } from '../bytes/gzipSize';
import { sha256Hex } from '../bytes/sha256Hex';
import { compressedManifest } from './compressedManifest';
import { variantManifest } from './variantManifest';

// The one manifest builder on a real encoded model: what the bytes determine, what the decoded model gives,
// and what a compressed variant inherits from its source.

function classifier(idsName = 'input_ids'): Model {
  const b = new GraphBuilder('text');
  const ids = b.input(idsName, 'int64', ['batch', 4]);
  const table = b.initializer('embedding', 'float32', [3, 2], [1, 0, 0, 1, 1, 1]);
  const mean = b.op('ReduceMean', [b.op('Gather', [table, ids])], { axes: [1], keepdims: 0 });
  b.node('Identity', [mean], { outputs: ['logits'] });
  b.output('logits', 'float32', ['batch', 2]);
  return b.build();
}

const text = {
  task: 'text-classification' as const,
  preprocess: { tokenizer: { kind: 'wordpiece' as const, vocab: ['[PAD]', '[UNK]', 'a'], maxLength: 4 }, idsInput: 'input_ids' },
  postprocess: { labels: ['ham', 'spam'], output: 'logits' },
};

describe('variantManifest', () => {
  it('hashes and sizes the bytes, and reads inputs, outputs and parameters from the decoded model', async () => {
    const model = classifier();
    const bytes = encodeModel(model);
    const m = await variantManifest(bytes, { model: 'spam', variant: 'fp32', ...text }, model);
    expect(m.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(m.bytes).toBe(bytes.byteLength);
    expect(m.gzipBytes).toBe(await gzipSize(bytes));
    expect(m.inputs).toEqual([{ name: 'input_ids', dtype: 'int64', shape: ['batch', 4] }]);
    expect(m.outputs).toEqual([{ name: 'logits', dtype: 'float32', shape: ['batch', 2] }]);
    expect(m.parameters).toBe(6);
  });

  it('refuses a preprocess or postprocess naming a tensor the model does not have', async () => {
    const model = classifier('tokens');
    await expect(variantManifest(encodeModel(model), { model: 'spam', variant: 'fp32', ...text }, model)).rejects.toMatchObject({
      code: 'manifest_invalid',
      details: { field: 'preprocess.idsInput' },
      message: expect.stringContaining('"input_ids", which is not an input of spam/fp32 (inputs: tokens)'),
    });
  });

  it('names the missing field when there is neither a decoded model nor inputs', async () => {
    await expect(variantManifest(encodeModel(classifier()), { model: 'spam', variant: 'fp32' })).rejects.toMatchObject({ code: 'manifest_invalid', details: { field: 'inputs' } });
  });
});

describe('compressedManifest', () => {
  it('carries the source\'s task, tokenizer, labels and provenance chain, with its own hash, sizes and metrics', async () => {
    const model = classifier();
    const source = await variantManifest(encodeModel(model), {
      model: 'spam', variant: 'student', ...text,
      provenance: { source: 'teacher', passes: [{ name: 'distill', options: {} }], tool: 'pare-distill 0.1.0', seed: 3 },
      metrics: { accuracy: 0.9 },
    }, model);
    const bytes = encodeModel({ ...model, producer_name: 'compressed' });
    const m = await compressedManifest(source, bytes, { variant: 'student-int8', passes: [{ name: 'int8', options: { perChannel: true } }], metrics: { fidelity: 0.99 } }, model);
    expect(m).toMatchObject({ model: 'spam', variant: 'student-int8', task: 'text-classification', preprocess: source.preprocess, postprocess: source.postprocess });
    expect(m.sha256).toBe(await sha256Hex(bytes));
    expect(m.sha256).not.toBe(source.sha256);
    expect(m.provenance).toMatchObject({ source: 'student', sourceSha256: source.sha256, tool: 'pare-distill 0.1.0', seed: 3 });
    expect(m.provenance.passes.map((p) => p.name)).toEqual(['distill', 'int8']);
    expect(m.metrics).toEqual({ fidelity: 0.99 });
  });

  it('checks the compressed model still has the inputs the carried tokenizer feeds', async () => {
    const model = classifier();
    const source = await variantManifest(encodeModel(model), { model: 'spam', variant: 'student', ...text }, model);
    const renamed = classifier('ids');
    await expect(compressedManifest(source, encodeModel(renamed), { variant: 'bad', passes: [] }, renamed)).rejects.toMatchObject({ code: 'manifest_invalid', details: { field: 'preprocess.idsInput' } });
  });
});
