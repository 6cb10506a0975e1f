// `pare deploy / traffic / promote / rollback / models / stats` against a real edge worker: the upload that
// `wrangler deploy --dry-run` builds, run by Miniflare (workerd) with local D1, R2 and the metrics queue.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalEdge } from '../../../../infra/localEdgeWorker';
import { buildMlpBytes } from '../../../../infra/models/defaultMlp';
import { buildTinyTokenClassifier, buildTinyVocabClassifier, TINY_NER_LABELS, TINY_TASK_MAX_LENGTH, TINY_TASK_VOCAB } from '../../../../infra/models/tinyTextTasks';
import { variantManifest } from '@pare/runtime/manifest-builder';
import { runPare } from '../../test/runPare';
import { parseWeights } from './traffic';

const TOKEN = 'cli-test-token-of-at-least-32-chars';
let edge: Awaited<ReturnType<typeof startLocalEdge>>;
let dir: string;
let endpoint: string[];

beforeAll(async () => {
  edge = await startLocalEdge('pare-cli-edge-', TOKEN);
  dir = edge.dir;
  endpoint = ['--endpoint', edge.worker.url, '--token', TOKEN];
  fs.writeFileSync(path.join(dir, 'big.onnx'), buildMlpBytes({ name: 'big', widths: [8, 32, 3], seed: 3 }));
  fs.writeFileSync(path.join(dir, 'small.onnx'), buildMlpBytes({ name: 'small', widths: [8, 4, 3], seed: 4 }));
});

afterAll(async () => {
  await edge?.stop();
});

describe('pare edge commands', () => {
  it('deploys two variants, splits, promotes and rolls back traffic, lists models and stats', async () => {
    const first = await runPare(['deploy', path.join(dir, 'big.onnx'), '--model', 'demo', '--variant', 'fp32', ...endpoint]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Deployed demo\/fp32: \d+ bytes, sha256 [0-9a-f]{64}\nTraffic: fp32=100/);

    const second = await runPare(['deploy', path.join(dir, 'small.onnx'), '--model', 'demo', '--variant', 'small', '--weight', '20', '--json', ...endpoint]);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).deployment.weights).toEqual({ fp32: 80, small: 20 });

    const traffic = await runPare(['traffic', 'demo', 'fp32=60', 'small=40', ...endpoint]);
    expect(traffic.stdout).toContain('demo: traffic fp32=60 small=40');
    const promote = await runPare(['promote', 'demo', 'small', ...endpoint]);
    expect(promote.stdout).toContain('traffic small=100');
    const rollback = await runPare(['rollback', 'demo', '--json', ...endpoint]);
    expect(JSON.parse(rollback.stdout).deployment.weights).toEqual({ fp32: 60, small: 40 });

    const predict = await fetch(`${edge.worker.url}/v1/models/demo/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: { input: [[1, 2, 3, 4, 5, 6, 7, 8]] } }) });
    expect(predict.status).toBe(200);

    const models = await runPare(['models', '--json', ...endpoint]);
    const demo = JSON.parse(models.stdout).find((m: { name: string }) => m.name === 'demo');
    expect(demo.variants.map((v: { name: string; weight: number; status: string }) => [v.name, v.weight, v.status])).toEqual([
      ['fp32', 60, 'healthy'],
      ['small', 40, 'healthy'],
    ]);
    const table = await runPare(['models', ...endpoint]);
    expect(table.stdout).toMatch(/demo .*fp32 .*60%/);

    let stats: { variants: Array<{ count: number }> } = { variants: [] };
    for (let i = 0; i < 50 && stats.variants.reduce((s, v) => s + v.count, 0) < 1; i++) {
      stats = JSON.parse((await runPare(['stats', 'demo', '--window', '15m', '--json', ...endpoint])).stdout);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(stats.variants.reduce((s, v) => s + v.count, 0)).toBe(1);
  });

  it('adds time to first token, tokens/s and tokens per request to the stats of a text-generation model', async () => {
    const lm = path.resolve(import.meta.dirname, '../../../../packages/runtime/test/fixtures/lm/gpt2-sotu');
    const deployed = await runPare(['deploy', lm, '--model', 'lm', '--variant', 'fp32', ...endpoint]);
    expect(deployed.code, deployed.stderr).toBe(0);
    const tokens: number[] = [];
    for (const prompt of ['We the people', 'Congress shall', 'The state of the Union']) {
      const response = await fetch(`${edge.worker.url}/v1/models/lm/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt, max_new_tokens: 6, temperature: 0 }) });
      expect(response.status).toBe(200);
      tokens.push(((await response.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens);
    }
    type Stats = { variants: Array<{ generation?: { generations: number; tokensPerRequestMean: number | null; ttftP50Ms: number | null } }> };
    let stats: Stats = { variants: [] };
    for (let i = 0; i < 50 && (stats.variants[0]?.generation?.generations ?? 0) < tokens.length; i++) {
      stats = JSON.parse((await runPare(['stats', 'lm', '--window', '15m', '--json', ...endpoint])).stdout) as Stats;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(stats.variants[0]!.generation).toMatchObject({ generations: 3, tokensPerRequestMean: expect.closeTo(tokens.reduce((a, b) => a + b, 0) / 3, 9) });
    expect(stats.variants[0]!.generation!.ttftP50Ms).toBeGreaterThan(0);
    const table = await runPare(['stats', 'lm', '--window', '15m', ...endpoint]);
    expect(table.stdout).toMatch(/generation \(ttft: time to first token/);
    expect(table.stdout).toMatch(/fp32\s*│\s*3\s*│/);
    // A classifier's stats have no generation table.
    expect((await runPare(['stats', 'demo', '--window', '15m', ...endpoint])).stdout).not.toContain('generation');
  });

  it('reports the edge\'s refusals with a message and exit 1, bad arguments with exit 2', async () => {
    const notHundred = await runPare(['traffic', 'demo', 'fp32=50', 'small=40', ...endpoint]);
    expect(notHundred.code).toBe(2);
    expect(notHundred.stderr).toContain('sum to 90');
    const wrongToken = await runPare(['promote', 'demo', 'fp32', '--endpoint', edge.worker.url, '--token', 'nope']);
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toContain('The admin token is wrong.');
    const immutable = await runPare(['deploy', path.join(dir, 'big.onnx'), '--model', 'demo', '--variant', 'small', ...endpoint]);
    expect(immutable.code).toBe(1);
    expect(immutable.stderr).toMatch(/immutable/);
    const unknownModel = await runPare(['stats', 'nope', ...endpoint]);
    expect(unknownModel.stderr).toContain('Unknown model "nope"');
    const down = await runPare(['models', '--endpoint', 'http://127.0.0.1:9']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/Cannot reach the edge at http:\/\/127\.0\.0\.1:9/);
  });
});

describe('pare output and configuration habits', () => {
  const ESC = '\u001b[';

  it('colours tables only on request of a terminal: never in a pipe, with NO_COLOR or --no-color', async () => {
    const piped = await runPare(['models', ...endpoint], { env: { NO_COLOR: '' } });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toMatch(/demo/);
    expect(piped.stdout).not.toContain(ESC);
    const forced = await runPare(['models', ...endpoint], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain(ESC);
    for (const [args, env] of [[['models', '--no-color'], { NO_COLOR: '', FORCE_COLOR: '1' }], [['stats', 'demo', '--window', '15m'], { NO_COLOR: '1', FORCE_COLOR: '1' }], [['ab', 'demo', '--no-color'], { NO_COLOR: '', FORCE_COLOR: '1' }]] as const) {
      const r = await runPare([...args, ...endpoint], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toContain(ESC);
    }
  });

  it('finds the dev token from any folder of the repository, and endpoint and token from a profile', async () => {
    const repo = path.join(dir, 'repo');
    const deep = path.join(repo, 'apps', 'x', 'src');
    fs.mkdirSync(deep, { recursive: true });
    const config = path.join(dir, 'config-home');
    const env = { XDG_CONFIG_HOME: config, PARE_TOKEN: '', PARE_ENDPOINT: '', PARE_PROFILE: '' };
    // A local endpoint with no token anywhere: the admin route refuses.
    const before = await runPare(['promote', 'demo', 'fp32', '--endpoint', edge.worker.url], { cwd: deep, env });
    expect(before.code).toBe(1);
    fs.writeFileSync(path.join(repo, '.dev.vars'), `ADMIN_TOKEN="${TOKEN}"\n`);
    const walked = await runPare(['traffic', 'demo', 'fp32=60', 'small=40', '--endpoint', edge.worker.url], { cwd: deep, env });
    expect(walked.code, walked.stderr).toBe(0);

    fs.mkdirSync(path.join(config, 'pare'), { recursive: true });
    fs.writeFileSync(path.join(config, 'pare', 'config.json'), JSON.stringify({ default: { endpoint: edge.worker.url, token: TOKEN }, other: { endpoint: 'http://127.0.0.1:9' } }));
    const profiled = await runPare(['traffic', 'demo', 'fp32=60', 'small=40'], { cwd: dir, env });
    expect(profiled.code, profiled.stderr).toBe(0);
    const other = await runPare(['models', '--profile', 'other'], { cwd: dir, env });
    expect(other.stderr).toMatch(/Cannot reach the edge at http:\/\/127\.0\.0\.1:9/);
    const missing = await runPare(['models', '--profile', 'nope'], { cwd: dir, env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/has no profile "nope"; it has default, other/);
  });
});

describe('pare compress, then pare deploy, of the committed text classifier', () => {
  const student = path.resolve(import.meta.dirname, '../../../../infra/models/spam/student');

  it('carries the student\'s tokenizer and labels into the int8 manifest, so the edge serves texts with it', async () => {
    const out = path.join(dir, 'student-int8.onnx');
    const manifestFile = path.join(dir, 'student-int8.json');
    const compress = await runPare(['compress', path.join(student, 'model.onnx'), '-o', out, '--quantize', 'int8-dynamic', '--manifest', manifestFile, '--no-eval', '--json']);
    expect(compress.code, compress.stderr).toBe(0);
    const source = JSON.parse(fs.readFileSync(path.join(student, 'manifest.json'), 'utf8'));
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    expect(manifest).toMatchObject({ model: 'spam', task: 'text-classification', preprocess: source.preprocess, postprocess: source.postprocess });
    expect(manifest.provenance).toMatchObject({ source: 'student', sourceSha256: source.sha256, datasetChecksum: source.provenance.datasetChecksum });
    expect(manifest.provenance.passes.slice(0, source.provenance.passes.length)).toEqual(source.provenance.passes);
    expect(manifest.provenance.passes.at(-1).name).toBe('quantize-int8-dynamic');
    expect(manifest.bytes).toBe(fs.statSync(out).size);

    const deploy = await runPare(['deploy', out, '--model', 'spam', '--variant', 'int8', '--manifest', manifestFile, ...endpoint]);
    expect(deploy.code, deploy.stderr).toBe(0);
    const predict = await fetch(`${edge.worker.url}/v1/models/spam/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'WIN a FREE prize now, click here to claim your money' }) });
    expect(predict.status, await predict.clone().text()).toBe(200);
    const body = await predict.json() as { variant: string; label: string; scores: Record<string, number> };
    expect(body.variant).toBe('int8');
    expect(source.postprocess.labels).toContain(body.label);
    expect(Object.keys(body.scores).sort()).toEqual([...source.postprocess.labels].sort());
  });
});

describe('pare deploy <folder>', () => {
  it('uploads the folder\'s model.onnx with its manifest.json (names from the command line), and the edge serves its task', async () => {
    const folder = path.join(dir, 'ner-folder');
    fs.mkdirSync(path.join(folder, 'onnx'), { recursive: true });
    const bytes = buildTinyTokenClassifier();
    fs.writeFileSync(path.join(folder, 'onnx', 'model.onnx'), bytes);
    const manifest = await variantManifest(bytes, {
      model: 'folder-model', variant: 'folder-variant', task: 'token-classification',
      inputs: [{ name: 'input_ids', dtype: 'int64', shape: ['batch', 'sequence'] }, { name: 'attention_mask', dtype: 'int64', shape: ['batch', 'sequence'] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 'sequence', TINY_NER_LABELS.length] }],
      preprocess: { tokenizer: { kind: 'wordpiece', vocab: TINY_TASK_VOCAB, maxLength: TINY_TASK_MAX_LENGTH, clsToken: '[CLS]' }, idsInput: 'input_ids', maskInput: 'attention_mask' },
      postprocess: { labels: TINY_NER_LABELS, aggregation: 'first' },
    });
    fs.writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify(manifest));
    const deploy = await runPare(['deploy', folder, '--model', 'ner', '--variant', 'v1', '--json', ...endpoint]);
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(JSON.parse(deploy.stdout)).toMatchObject({ model: 'ner', variant: 'v1', created: true });
    const predict = await fetch(`${edge.worker.url}/v1/models/ner/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'John Smithson lives in Paris' }) });
    const body = await predict.json() as { entities: Array<{ entity_group: string; word: string }> };
    expect(body.entities.map((e) => [e.entity_group, e.word])).toEqual([['PER', 'John Smithson'], ['LOC', 'Paris']]);
  });

  it('uploads a Hugging Face export folder with its tokenizer.json, and the edge answers raw text', async () => {
    const folder = path.join(dir, 'hf-export');
    fs.mkdirSync(folder, { recursive: true });
    const source = path.resolve(import.meta.dirname, '../../../../packages/runtime/test/fixtures/hf/distilbert-spam');
    for (const f of ['tokenizer.json', 'tokenizer_config.json']) fs.copyFileSync(path.join(source, f), path.join(folder, f));
    const vocab = Object.keys(JSON.parse(fs.readFileSync(path.join(folder, 'tokenizer.json'), 'utf8')).model.vocab).length;
    fs.writeFileSync(path.join(folder, 'model.onnx'), buildTinyVocabClassifier(vocab));
    fs.writeFileSync(path.join(folder, 'config.json'), JSON.stringify({ architectures: ['DistilBertForSequenceClassification'], model_type: 'distilbert', id2label: { 0: 'ham', 1: 'spam' }, max_position_embeddings: 128 }));
    const deploy = await runPare(['deploy', folder, '--model', 'hf-export', '--variant', 'fp32', ...endpoint]);
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stderr).toMatch(/and tokenizer\.json \(\d+ bytes\)/);
    const predict = await fetch(`${edge.worker.url}/v1/models/hf-export/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts: ['free money now', 'lunch tomorrow?'] }) });
    expect(predict.status, await predict.clone().text()).toBe(200);
    const body = await predict.json() as { results: Array<{ label: string }> };
    expect(body.results.map((r) => ['ham', 'spam'].includes(r.label))).toEqual([true, true]);
  });

  it("deploys a student distilled over its teacher's tokens with the tokenizer.json beside it, and the edge answers as the student does", async () => {
    const { distillTexts, loadSpamAssassin } = await import('@pare/distill');
    const { readModelFolder } = await import('@pare/runtime/folder');
    const { loadTextTokenizer, textBatchFeeds } = await import('@pare/runtime');
    const { nodeBackend } = await import('@pare/runtime/node');
    const source = path.resolve(import.meta.dirname, '../../../../packages/runtime/test/fixtures/hf/distilbert-spam');
    const teacher = await readModelFolder(source);
    const texts = path.join(dir, 'student-texts.jsonl');
    fs.writeFileSync(texts, loadSpamAssassin({ seed: 3, limit: 100, text: 'mail' }).train.map((e) => JSON.stringify({ text: e.text })).join('\n'));
    const teacherManifest = teacher.manifest ?? (await variantManifest(teacher.modelBytes, { model: 'teacher', variant: 'teacher', ...teacher.fields }, teacher.model));
    const r = await distillTexts({ data: { path: texts }, teacher: { kind: 'onnx', bytes: teacher.modelBytes, manifest: teacherManifest, tokenizerJson: teacher.tokenizer.bytes }, seed: 3, model: 'mail', student: { buckets: 2048, dim: 8, epochs: 3, learningRate: 0.03 } });
    const out = path.join(dir, 'distilled');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'student.onnx'), r.student.bytes);
    fs.writeFileSync(path.join(out, 'student.manifest.json'), JSON.stringify(r.student.manifest));
    const args = ['deploy', path.join(out, 'student.onnx'), '--manifest', path.join(out, 'student.manifest.json'), '--model', 'tokens', '--variant', 'student', ...endpoint];
    const missing = await runPare(args);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/tokenizer\.json .*does not exist: put it beside the model/);
    fs.writeFileSync(path.join(out, 'tokenizer.json'), r.tokenizerJson!);
    const deploy = await runPare(args);
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stderr).toMatch(/and tokenizer\.json \(\d+ bytes\)/);
    const asked = ['WIN a FREE prize now, click here to claim your reward', 'Are we still on for lunch tomorrow? I can bring the slides.', ''];
    const predict = await fetch(`${edge.worker.url}/v1/models/tokens/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts: asked }) });
    expect(predict.status, await predict.clone().text()).toBe(200);
    const body = await predict.json() as { results: Array<{ label: string; scores: Record<string, number> }> };
    // The same student in onnxruntime-node, fed by the same tokenizer.
    const reader = await loadTextTokenizer(r.student.manifest, r.tokenizerJson);
    const session = await nodeBackend.createSession(r.student.bytes);
    const logits = (await session.run(textBatchFeeds(r.student.manifest, reader, asked).feeds)).logits!.data as Float32Array;
    await session.release();
    expect(body.results.map((x) => x.label)).toEqual(asked.map((_, i) => (logits[2 * i + 1]! > logits[2 * i]! ? 'spam' : 'ham')));
  }, 120_000);

  it('says what a folder lacks', async () => {
    const empty = path.join(dir, 'empty-folder');
    fs.mkdirSync(empty, { recursive: true });
    const noModel = await runPare(['deploy', empty, '--model', 'x', '--variant', 'y', ...endpoint]);
    expect(noModel.code).not.toBe(0);
    expect(noModel.stderr).toMatch(/has no model\.onnx/);
    fs.writeFileSync(path.join(empty, 'model.onnx'), buildTinyTokenClassifier());
    const noManifest = await runPare(['deploy', empty, '--model', 'x', '--variant', 'y', ...endpoint]);
    expect(noManifest.stderr).toMatch(/has no manifest\.json/);
  });
});

describe('parseWeights', () => {
  it('reads variant=weight pairs and checks them', () => {
    expect(parseWeights(['a=70', 'b=30'])).toEqual({ a: 70, b: 30 });
    expect(() => parseWeights(['a=70', 'a=30'])).toThrow(/twice/);
    expect(() => parseWeights(['a=7.5'])).toThrow(/variant>=<weight>/);
    // A variant may be named like an Object.prototype member; that is not "given twice".
    expect(parseWeights(['constructor=60', 'b=40'])).toEqual({ constructor: 60, b: 40 });
  });
});
