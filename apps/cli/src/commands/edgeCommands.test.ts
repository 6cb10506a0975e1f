// `pare deploy / traffic / promote / rollback / models / stats` against a real edge worker: the upload that
// `wrangler deploy --dry-run` builds, run by Miniflare (workerd) with local D1, R2 and the metrics queue.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUpload, freePort, LocalWorker } from '../../../../infra/localEdgeWorker';
import { buildMlpBytes } from '../../../../infra/models/defaultMlp';
import { runPare } from '../../test/runPare';
import { parseWeights } from './traffic';

const TOKEN = 'cli-test-token-0123456789abcdef0123';
let worker: LocalWorker;
let dir: string;
let endpoint: string[];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pare-cli-edge-'));
  const bundle = path.join(dir, 'bundle');
  fs.mkdirSync(bundle);
  buildUpload(bundle);
  worker = new LocalWorker(await freePort(), path.join(dir, 'state'), TOKEN, bundle);
  await worker.applyMigrations();
  await worker.start();
  endpoint = ['--endpoint', worker.url, '--token', TOKEN];
  fs.writeFileSync(path.join(dir, 'big.onnx'), buildMlpBytes({ name: 'big', widths: [8, 32, 3], seed: 3 }));
  fs.writeFileSync(path.join(dir, 'small.onnx'), buildMlpBytes({ name: 'small', widths: [8, 4, 3], seed: 4 }));
});

afterAll(async () => {
  await worker?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
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

    const predict = await fetch(`${worker.url}/v1/models/demo/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: { input: [[1, 2, 3, 4, 5, 6, 7, 8]] } }) });
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

  it('reports the edge\'s refusals and bad input with a message and exit 1', async () => {
    const notHundred = await runPare(['traffic', 'demo', 'fp32=50', 'small=40', ...endpoint]);
    expect(notHundred.code).toBe(1);
    expect(notHundred.stderr).toContain('sum to 90');
    const wrongToken = await runPare(['promote', 'demo', 'fp32', '--endpoint', worker.url, '--token', 'nope']);
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
    const predict = await fetch(`${worker.url}/v1/models/spam/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'WIN a FREE prize now, click here to claim your money' }) });
    expect(predict.status, await predict.clone().text()).toBe(200);
    const body = await predict.json() as { variant: string; label: string; scores: Record<string, number> };
    expect(body.variant).toBe('int8');
    expect(source.postprocess.labels).toContain(body.label);
    expect(Object.keys(body.scores).sort()).toEqual([...source.postprocess.labels].sort());
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
