// Hugging Face folders through the real `pare` bin: inspect shows what will be served, compress writes a
// variant folder, eval compares it with its source on the user's texts, and an unservable folder is refused.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runPare } from '../../test/runPare';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const HF = path.join(ROOT, 'packages/runtime/test/fixtures/hf');
const SPAM = path.join(HF, 'distilbert-spam');
const dir = mkdtempSync(path.join(tmpdir(), 'pare-folder-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pare = (...args: string[]) => runPare(args, { cwd: ROOT });

describe('pare with a Hugging Face folder', () => {
  it('inspect shows the task, labels, tokenizer and feeds it will serve', async () => {
    const r = await pare('inspect', SPAM);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/model file\s+onnx\/model\.onnx/);
    expect(r.stdout).toMatch(/task\s+text-classification/);
    expect(r.stdout).toMatch(/labels\s+ham, spam/);
    expect(r.stdout).toMatch(/model\s+WordPiece, 3,000 tokens/);
    expect(r.stdout).toMatch(/max length\s+128 \(from model_max_length 128, positions 128\)/);
    expect(r.stdout).toMatch(/attention_mask\s+attention mask/);
    const json = JSON.parse((await pare('inspect', SPAM, '--json')).stdout);
    expect(json.folder.tokenizer).toMatchObject({ model: 'WordPiece', maxLength: 128, truncation: 'right' });
    expect(json.summary.inputs.map((i: { name: string }) => i.name)).toEqual(['input_ids', 'attention_mask']);
  });

  it('compress writes a variant folder that eval compares with its source on texts', async () => {
    const out = path.join(dir, 'spam-int8');
    const c = await pare('compress', SPAM, '-o', out, '--quantize', 'int8-dynamic', '--json');
    expect(c.stderr).toBe('');
    expect(c.code).toBe(0);
    for (const f of ['model.onnx', 'manifest.json', 'tokenizer.json', 'tokenizer_config.json', 'config.json']) expect(existsSync(path.join(out, f))).toBe(true);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ model: 'distilbert-spam', task: 'text-classification', postprocess: { labels: ['ham', 'spam'] } });
    expect(manifest.preprocess.tokenizer).toMatchObject({ kind: 'huggingface', maxLength: 128 });
    expect(readFileSync(path.join(out, 'tokenizer.json'))).toEqual(readFileSync(path.join(SPAM, 'tokenizer.json')));
    expect(JSON.parse(c.stdout).fidelity.inputs).toMatch(/built-in texts through the model's tokenizer/);

    const texts = JSON.parse(readFileSync(path.join(SPAM, 'expected.json'), 'utf8')).outputs.slice(0, 64).map((o: { text: string }) => JSON.stringify({ text: o.text }));
    writeFileSync(path.join(dir, 'texts.jsonl'), `${texts.join('\n')}\n`);
    const e = await pare('eval', out, '--reference', SPAM, '--data', path.join(dir, 'texts.jsonl'), '--json');
    expect(e.stderr).toBe('');
    const report = JSON.parse(e.stdout);
    expect(report).toMatchObject({ task: 'text-classification', texts: 64 });
    expect(report.agreement).toBeGreaterThanOrEqual(0.95);
    expect((await pare('eval', out, '--reference', SPAM, '--data', path.join(dir, 'texts.jsonl'))).stdout).toMatch(/agreement\s+\d+\.\d\d% \(\d+\/64 texts answered alike\)/);
  });

  it('refuses a folder whose task Pare does not serve, naming the file and field', async () => {
    const bad = path.join(dir, 'masked-lm');
    cpSync(SPAM, bad, { recursive: true });
    const config = JSON.parse(readFileSync(path.join(bad, 'config.json'), 'utf8'));
    writeFileSync(path.join(bad, 'config.json'), JSON.stringify({ ...config, architectures: ['DistilBertForMaskedLM'] }));
    const r = await pare('inspect', bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^pare: .*config\.json: architectures: DistilBertForMaskedLM is not a task Pare serves/);
  });
});
