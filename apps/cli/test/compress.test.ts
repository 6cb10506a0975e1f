import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeBackend, nodeInt8ProductsSaturate } from '@pare/runtime/node';
import { INT8_SATURATION_NOTE } from '../src/eval/int8FidelityNote';
import { encodeModel, GraphBuilder } from '@pare/onnx';
import { formatInputsFile, generateInputs } from '@pare/runtime';
import { realModels } from '../../../packages/onnx/test/fixtures';
import { audioFrontEnd } from '../../../packages/onnx/test/audioFrontEnd';
import { runPare } from './runPare';

const spam = path.resolve(import.meta.dirname, '../../../infra/models/spam');
let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pare-compress-')); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('pare compress on real models', () => {
  it('prunes and quantizes the wake-word model, writes a model that loads, reports JSON', async () => {
    const out = path.join(dir, 'ww.onnx');
    const manifest = path.join(dir, 'manifest.json');
    const r = await runPare(['compress', realModels.wakeWord, '-o', out, '--sparsity', '0.5', '--quantize', 'int8-dynamic', '--manifest', manifest, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.configuration).toBe('sparsity 50% + int8-dynamic');
    expect(report.after.bytes).toBe(fs.statSync(out).size);
    expect(report.ratio.raw).toBeLessThan(0.3);
    expect(report.sparsity).toBeGreaterThan(0.45);
    expect(report.steps.map((s: { step: string }) => s.step)).toEqual(['constants-to-initializers', 'prune-magnitude', 'upgrade-opset', 'quantize-int8-dynamic']);
    expect(report.fidelity.backends.map((b: { backend: string }) => b.backend)).toEqual(['onnxruntime-node', 'onnxruntime-web (wasm)']);
    expect(report.fidelity.backends[0].overall.cosineMean).toBeGreaterThan(0.9);
    const session = await nodeBackend.createSession(fs.readFileSync(out));
    await session.release();
    expect(JSON.parse(fs.readFileSync(manifest, 'utf8'))).toMatchObject({ model: 'hello_deepa', variant: 'sparsity-50-int8-dynamic', bytes: report.after.bytes });
  });

  it('quantizes a conv model statically (QDQ) and prints a table, with a note where this CPU saturates int8', async () => {
    const out = path.join(dir, 'cls.onnx');
    const r = await runPare(['compress', realModels.ocrCls, '-o', out, '--quantize', 'int8-static', '--dim', 'p2o.DynamicDimension.0=1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/int8-static/);
    expect(r.stdout).toMatch(/quantize-int8-static/);
    expect(r.stdout).toMatch(/onnxruntime-web \(wasm\)/);
    expect(r.stdout.includes(INT8_SATURATION_NOTE)).toBe(await nodeInt8ProductsSaturate());
    expect(fs.statSync(out).size).toBeLessThan(fs.statSync(realModels.ocrCls).size * 0.5);
  });

  it('fits the wake-word model to a gzipped budget', async () => {
    const out = path.join(dir, 'fit.onnx');
    const r = await runPare(['compress', realModels.wakeWord, '-o', out, '--max-bytes', '60KB', '--gzip', '--no-eval', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.after.gzipBytes).toBeLessThanOrEqual(60_000);
    expect(report.configuration).toMatch(/^fit: /);
    expect(report.fit.candidates.length).toBeGreaterThan(1);
  });
});

describe('pare compress --max-latency-ms', () => {
  it('times every candidate in wasm, keeps one within the latency budget, and names the fastest when none is fast enough', async () => {
    const out = path.join(dir, 'fit-latency.onnx');
    const r = await runPare(['compress', realModels.wakeWord, '-o', out, '--max-latency-ms', '10000', '--quantize', 'int8-weights', '--no-eval', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.fit).toMatchObject({ maxLatencyMs: 10000 });
    expect(report.fit.maxBytes).toBeUndefined();
    for (const c of report.fit.candidates) expect(c.latencyMs).toBeGreaterThan(0);
    const table = await runPare(['compress', realModels.wakeWord, '-o', path.join(dir, 'fit-latency-table.onnx'), '--max-latency-ms', '1e-9', '--quantize', 'int8-weights', '--no-eval']);
    expect(table.code).toBe(1);
    expect(table.stderr).toMatch(/No configuration runs in 1e-9 ms: the fastest measured [\d.]+ ms .*Raise --max-latency-ms/);
  });
});

describe('pare compress --max-bytes on models it has never seen', () => {
  it('fits an audio front end with a dynamic sample axis, on generated inputs long enough for its conv', async () => {
    const file = path.join(dir, 'audio.onnx');
    fs.writeFileSync(file, encodeModel(audioFrontEnd()));
    const out = path.join(dir, 'audio.fit.onnx');
    const r = await runPare(['compress', file, '-o', out, '--max-bytes', String(Math.floor(fs.statSync(file).size * 0.3)), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.configuration).toMatch(/^fit: int8-(weights|dynamic)/);
    expect(report.inputs).toMatchObject({ kind: 'generated', source: expect.stringMatching(/\[1×2240\]/) });
    expect(report.fit.inputs).toBe('generated');
    expect(report.fidelity.inputsKind).toBe('generated');
    expect(report.fit.candidates.map((c: { label: string }) => c.label)).toEqual(expect.arrayContaining(['int8-weights', 'int8-weights per-channel', 'int8-dynamic', 'int8-dynamic per-channel']));
    expect(report.fit.candidates.some((c: { label: string }) => c.label.startsWith('int8-static'))).toBe(false);
    for (const c of report.fit.candidates.filter((x: { fidelity?: unknown }) => x.fidelity)) expect(c.fidelity.cosineMin).toBeLessThanOrEqual(c.fidelity.cosineMean);
    expect(report.fidelity.backends[0].overall.cosineMean).toBeGreaterThan(0.99);
  });

  it('ranks, calibrates and evaluates on an inputs file, and says the inputs were real', async () => {
    const file = path.join(dir, 'audio.onnx');
    fs.writeFileSync(file, encodeModel(audioFrontEnd()));
    const inputs = path.join(dir, 'audio.inputs.json');
    fs.writeFileSync(inputs, formatInputsFile({ samples: generateInputs([{ name: 'audio', type: 'float32', shape: [1, 1600] }], { count: 2, seed: 9 }) }));
    const r = await runPare(['compress', file, '-o', path.join(dir, 'audio.real.onnx'), '--max-bytes', String(Math.floor(fs.statSync(file).size * 0.3)), '--inputs', inputs]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/candidates ranked on real inputs/);
    expect(r.stdout).toMatch(/int8-static per-channel/);
    expect(r.stdout).toMatch(/fidelity to the input, on real inputs \(.*audio.inputs.json\)/);
    expect(r.stdout).toMatch(/cosine min/);
  });

  it('reports a model that runs on no generated shape as an evaluation problem, not as a budget nothing fits', async () => {
    const b = new GraphBuilder('hidden', { opset: 17 });
    const x = b.input('x', 'float32', [1, 1, 'n']);
    const w = b.initializer('w', 'float32', [2, 1, 1000], new Float32Array(2000).fill(0.01));
    b.output(b.op('Conv', [b.op('ThresholdedRelu', [x]), w]), 'float32', [1, 2, 'm']);
    const file = path.join(dir, 'hidden.onnx');
    fs.writeFileSync(file, encodeModel(b.build()));
    const r = await runPare(['compress', file, '-o', path.join(dir, 'hidden.out.onnx'), '--max-bytes', '3KB']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does not run on generated inputs of any size tried/);
    expect(r.stderr).not.toMatch(/No configuration fits/);
  });
});

describe('pare compress --quantize int8-weights: bias correction', () => {
  it('removes each conv\'s expected output shift by default (measured on the inputs), not with --no-bias-correction, and the corrected model is closer', async () => {
    // PP-OCR cls on light page-like inputs (mean far from 0): the case the correction is for.
    const inputs = path.join(dir, 'cls.inputs.json');
    const page = (seed: number) => generateInputs([{ name: 'x', type: 'float32', shape: [1, 3, 48, 192] }], { count: 1, seed, floatRange: [0.4, 1] })[0]!;
    fs.writeFileSync(inputs, formatInputsFile({ samples: [page(1), page(2), page(3)] }));
    const run = async (extra: string[]) => {
      const r = await runPare(['compress', realModels.ocrCls, '-o', path.join(dir, `cls.${extra.length}.onnx`), '--quantize', 'int8-weights', '--inputs', inputs, '--json', ...extra]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const corrected = await run([]);
    const plain = await run(['--no-bias-correction']);
    const notes = (report: { steps: Array<{ step: string; notes?: string[] }> }) => report.steps.find((s) => s.step === 'quantize-int8-weights')!.notes!.join(' ');
    expect(notes(corrected)).toMatch(/Bias correction: \d+ node\(s\)/);
    expect(notes(plain)).not.toMatch(/Bias correction/);
    const cosine = (report: { fidelity: { backends: Array<{ overall: { cosineMean: number } }> } }) => report.fidelity.backends[0]!.overall.cosineMean;
    expect(1 - cosine(corrected)).toBeLessThan(1 - cosine(plain));
  });
});

describe('pare compress --quantize int4-weights | fp16', () => {
  it.each([
    [['--quantize', 'int4-weights', '--block-size', '64', '--asymmetric'], 'int4-weights block 64 asymmetric', 'quantize-int4-weights'],
    [['--quantize', 'fp16'], 'fp16', 'weights-fp16'],
  ])('%j: writes a model both runtimes load, reports the form', async (flags, label, step) => {
    const out = path.join(dir, `ww-${step}.onnx`);
    const r = await runPare(['compress', realModels.wakeWord, '-o', out, ...flags, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.configuration).toBe(label);
    expect(report.steps.map((s: { step: string }) => s.step)).toContain(step);
    expect(report.fidelity.backends[1].overall.cosineMean).toBeGreaterThan(0.99);
  });
});

describe('pare compress on bad input', () => {
  // Exit 2: the command was used wrongly (a bad option value, options that do not go together); 1: the work failed.
  const cases: Array<[string, string[], RegExp, number]> = [
    ['a missing file', ['compress', 'nope.onnx', '-o', 'x.onnx'], /The input model: No model at nope.onnx: the file does not exist/, 1],
    ['an unknown quantize mode', ['compress', realModels.wakeWord, '-o', 'x.onnx', '--quantize', 'int4'], /--quantize takes one of none, int8-dynamic, int8-static, int8-weights, int4-weights, fp16; got "int4"/, 2],
    ['a block size that is not a power of two', ['compress', realModels.wakeWord, '-o', 'x.onnx', '--quantize', 'int4-weights', '--block-size', '48'], /block size must be a power of two from 16 to 256/, 2],
    ['a sparsity above 1', ['compress', realModels.wakeWord, '-o', 'x.onnx', '--sparsity', '1.5'], /--sparsity takes a fraction between 0 and 1; got "1.5"/, 2],
    ['a latency budget that is not a positive number', ['compress', realModels.wakeWord, '-o', 'x.onnx', '--max-latency-ms', '0'], /--max-latency-ms takes a number > 0; got "0"/, 2],
    ['a bad byte size', ['compress', realModels.wakeWord, '-o', 'x.onnx', '--max-bytes', '12 parsecs'], /--max-bytes takes a size such as 500000, 800KB or 4.5MB; got "12 parsecs"/, 2],
    ['a threshold that is not a number', ['compress', realModels.wakeWord, '-o', 'x.onnx', '--prune-threshold', 'abc'], /--prune-threshold takes a number ≥ 0; got "abc"/, 2],
    ['both threshold and sparsity', ['compress', realModels.wakeWord, '-o', 'x.onnx', '--prune-threshold', '0.1', '--sparsity', '0.5'], /not both/, 2],
    ['a source manifest of another model', ['compress', path.join(spam, 'student/model.onnx'), '-o', 'x.onnx', '--manifest', 'x.json', '--source-manifest', path.join(spam, 'teacher/manifest.json')], /The source manifest ".*teacher\/manifest.json" says sha256 [0-9a-f]{64}, but the model hashes to [0-9a-f]{64}: it belongs to another model file/, 1],
    ['--min-fidelity without --max-bytes', ['compress', realModels.wakeWord, '-o', 'x.onnx', '--min-fidelity', '0.99'], /--min-fidelity only applies with --max-bytes/, 2],
    ['two different inputs files', ['compress', realModels.wakeWord, '-o', 'x.onnx', '--inputs', 'a.json', '--calibration', 'b.json'], /--calibration is an alias of --inputs/, 2],
    ['a source manifest without --manifest', ['compress', realModels.wakeWord, '-o', 'x.onnx', '--source-manifest', 'm.json'], /--source-manifest only applies with --manifest/, 2],
    ['a budget nothing reaches', ['compress', realModels.wakeWord, '-o', 'x.onnx', '--max-bytes', '1KB', '--gzip', '--quantize', 'int8-weights'], /No configuration fits in 1.0 KB \(gzipped\): the smallest reached was .*Raise --max-bytes/, 1],
  ];
  it.each(cases)('exits with a clear message on %s', async (_what, args, message, code) => {
    const r = await runPare(args, { cwd: dir });
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(fs.existsSync(path.join(dir, 'x.onnx'))).toBe(false);
  });

  it('rejects a file that is not ONNX, and an output folder that does not exist', async () => {
    const text = path.join(dir, 'notes.onnx');
    fs.writeFileSync(text, 'hello, I am not a model');
    const a = await runPare(['compress', text, '-o', path.join(dir, 'y.onnx')]);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/The input model: .*notes.onnx: not an ONNX model: the file is a text file/);
    const b = await runPare(['compress', realModels.wakeWord, '-o', path.join(dir, 'missing', 'y.onnx'), '--no-eval']);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/the folder .*missing does not exist/);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses -o that is the input itself, under any spelling, and leaves it untouched', async () => {
    const own = path.join(dir, 'own.onnx');
    fs.copyFileSync(realModels.wakeWord, own);
    const before = fs.readFileSync(own);
    for (const output of [own, './own.onnx', path.join(dir, '.', 'own.onnx')]) {
      const r = await runPare(['compress', own, '-o', output, '--quantize', 'int8-dynamic', '--no-eval'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/-o\/--output is the input ".*own\.onnx" itself; write the compressed model elsewhere \(e\.g\. -o .*own\.int8\.onnx\)/);
    }
    expect(fs.readFileSync(own).equals(before)).toBe(true);
  });

  it('exits 2 on a usage error commander finds (an unknown option, a missing argument or command)', async () => {
    for (const args of [['compress', realModels.wakeWord], ['compress', realModels.wakeWord, '-o', 'x.onnx', '--nope'], ['nosuchcommand']]) {
      const r = await runPare(args, { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
    }
  });
});

describe('pare compress --no-eval', () => {
  it('reports the total without claiming an evaluation', async () => {
    const r = await runPare(['compress', realModels.wakeWord, '-o', path.join(dir, 'noeval.onnx'), '--quantize', 'int8-dynamic', '--no-eval']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/│ total\s+│/);
    expect(r.stdout).not.toMatch(/with evaluation/);
  });
});
