// The folder import on the fixture exports, and the refusals a user meets with a folder Pare cannot serve.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/bytes/sha256Hex';
import { readModelFolder } from '../../src/folder';
import { realModels } from '../../../onnx/test/fixtures';
import { HF_FIXTURES } from './hfFixtures';

const scratch = mkdtempSync(join(tmpdir(), 'pare-folder-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of a fixture folder with one file changed. */
function variantOf(name: string, edit: (dir: string) => void): string {
  const dir = mkdtempSync(join(scratch, `${name}-`));
  cpSync(join(HF_FIXTURES, name), dir, { recursive: true });
  edit(dir);
  return dir;
}
const editJson = (file: string, change: (j: Record<string, unknown>) => void) => {
  const j = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  change(j);
  writeFileSync(file, JSON.stringify(j));
};
const has = (name: string) => existsSync(join(HF_FIXTURES, name, 'config.json'));

describe('readModelFolder', () => {
  it('reads a transformers.js-layout DistilBERT classifier (onnx/model.onnx, WordPiece)', async () => {
    const f = await readModelFolder(join(HF_FIXTURES, 'distilbert-spam'));
    expect(f.modelFile).toBe('onnx/model.onnx');
    expect(f.fields.task).toBe('text-classification');
    expect(f.fields.postprocess).toMatchObject({ labels: ['ham', 'spam'], activation: 'softmax', output: 'logits' });
    expect(f.fields.preprocess).toMatchObject({ idsInput: 'input_ids', maskInput: 'attention_mask' });
    expect(f.fields.preprocess.typeIdsInput).toBeUndefined();
    const bytes = readFileSync(join(HF_FIXTURES, 'distilbert-spam', 'tokenizer.json'));
    expect(f.fields.preprocess.tokenizer).toMatchObject({ kind: 'huggingface', sha256: await sha256Hex(bytes), bytes: bytes.byteLength, maxLength: 128, truncation: 'right', padToken: '[PAD]' });
    expect(f.configFiles).toEqual(expect.arrayContaining(['config.json', 'tokenizer.json', 'tokenizer_config.json']));
  });

  it.runIf(has('roberta-spam'))('caps a RoBERTa max length by its positions (less the padding offset), not model_max_length', async () => {
    const f = await readModelFolder(join(HF_FIXTURES, 'roberta-spam'));
    expect(f.modelFile).toBe('model.onnx');
    expect(f.tokenizer.limits).toEqual({ modelMaxLength: 512, positions: 128 });
    expect(f.fields.preprocess.tokenizer).toMatchObject({ maxLength: 128, padToken: '<pad>' });
  });

  it.runIf(has('xlmr-email-tags'))('reads a multi-label XLM-R (sigmoid) that truncates on the left', async () => {
    const f = await readModelFolder(join(HF_FIXTURES, 'xlmr-email-tags'));
    expect(f.fields.postprocess).toMatchObject({ labels: ['spam', 'html', 'reply'], activation: 'sigmoid', softmax: false });
    expect(f.fields.preprocess.tokenizer).toMatchObject({ truncation: 'left', maxLength: 128 });
  });

  it.runIf(has('bert-embed'))('reads a sentence-transformers folder as feature extraction with its pooling', async () => {
    const f = await readModelFolder(join(HF_FIXTURES, 'bert-embed'));
    expect(f.fields.task).toBe('feature-extraction');
    expect(f.fields.embedding).toEqual({ pooling: 'mean', normalize: true, output: 'last_hidden_state' });
    expect(f.fields.preprocess.typeIdsInput).toBe('token_type_ids');
    expect(f.configFiles).toEqual(expect.arrayContaining(['modules.json', '1_Pooling/config.json']));
  });

  it.runIf(has('bert-names'))('reads a token classifier, filling position_ids', async () => {
    const f = await readModelFolder(join(HF_FIXTURES, 'bert-names'));
    expect(f.fields.task).toBe('token-classification');
    expect(f.fields.postprocess).toMatchObject({ labels: ['O', 'B-NAME', 'I-NAME', 'B-NUM', 'I-NUM'], aggregation: 'simple' });
    expect(f.fields.preprocess).toMatchObject({ typeIdsInput: 'token_type_ids', positionIdsInput: 'position_ids' });
  });
});

describe('readModelFolder refuses, naming the file and field', () => {
  it('a task Pare does not serve', async () => {
    const dir = variantOf('distilbert-spam', (d) => editJson(join(d, 'config.json'), (j) => { j['architectures'] = ['DistilBertForMaskedLM']; }));
    await expect(readModelFolder(dir)).rejects.toMatchObject({ code: 'task_unsupported', message: expect.stringMatching(/config\.json: architectures: DistilBertForMaskedLM/) });
  });

  it('a language-model head over a graph without per-token logits', async () => {
    const dir = variantOf('distilbert-spam', (d) => editJson(join(d, 'config.json'), (j) => { j['architectures'] = ['GPT2LMHeadModel']; }));
    await expect(readModelFolder(dir)).rejects.toMatchObject({ code: 'task_unsupported', message: expect.stringMatching(/outputs\.logits: .*gives logits \[batch, sequence, vocab\]/) });
  });

  it('a tokenizer model type the runtime cannot run', async () => {
    const dir = variantOf('distilbert-spam', (d) => editJson(join(d, 'tokenizer.json'), (j) => { (j['model'] as Record<string, unknown>)['type'] = 'CharBPE'; }));
    await expect(readModelFolder(dir)).rejects.toMatchObject({ code: 'tokenizer_unsupported', message: expect.stringMatching(/tokenizer\.json: model\.type: "CharBPE"/) });
  });

  it('a model input it cannot fill from text', async () => {
    const dir = variantOf('distilbert-spam', (d) => { rmSync(join(d, 'onnx'), { recursive: true }); cpSync(realModels.wakeWord, join(d, 'model.onnx')); });
    await expect(readModelFolder(dir)).rejects.toMatchObject({ code: 'input_unsupported', message: expect.stringMatching(/model\.onnx: inputs\.\S+: Pare fills input_ids/) });
  });

  it('a folder without a model or a tokenizer.json', async () => {
    await expect(readModelFolder(variantOf('distilbert-spam', (d) => rmSync(join(d, 'onnx'), { recursive: true })))).rejects.toMatchObject({ code: 'file_not_found', message: expect.stringMatching(/model\.onnx or onnx\/model\.onnx/) });
    await expect(readModelFolder(variantOf('distilbert-spam', (d) => rmSync(join(d, 'tokenizer.json'))))).rejects.toMatchObject({ code: 'file_not_found', message: expect.stringMatching(/tokenizer\.json/) });
  });
});
