import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatInputsFile, generateInputs } from '@pare/runtime';
import { realModels } from '../../../packages/onnx/test/fixtures';
import { nodeInt8ProductsSaturate } from '@pare/runtime/node';
import { INT8_SATURATION_NOTE } from '../src/eval/int8FidelityNote';
import { runPare } from './runPare';

let dir: string;
let candidate: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pare-eval-'));
  candidate = path.join(dir, 'ww-int8.onnx');
  const r = await runPare(['compress', realModels.wakeWord, '-o', candidate, '--quantize', 'int8-weights', '--no-eval', '--json']);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('pare eval', () => {
  it('compares a compressed model with its original in both runtimes (table)', async () => {
    const r = await runPare(['eval', candidate, '--reference', realModels.wakeWord]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/inputs: generated \(seed 42, 4 samples, \[1×25×96\]\)/);
    expect(r.stdout).toMatch(/cosine mean/);
    expect(r.stdout).toMatch(/onnxruntime-node .* onnxruntime-web \(wasm\)/);
    // Weight-only int8 dequantizes to fp32 products, which no CPU saturates.
    expect(r.stdout).not.toContain(INT8_SATURATION_NOTE);
  });

  it("notes under the table where this CPU saturates u8 × s8 products: for static QDQ's int8 weights, never for int8-dynamic's uint8 ones", async () => {
    const dynamic = path.join(dir, 'ww-dynamic.onnx');
    const c = await runPare(['compress', realModels.wakeWord, '-o', dynamic, '--quantize', 'int8-dynamic', '--no-eval', '--json']);
    expect(c.code, c.stderr).toBe(0);
    const d = await runPare(['eval', dynamic, '--reference', realModels.wakeWord]);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).not.toContain(INT8_SATURATION_NOTE);
    const stat = path.join(dir, 'ww-static.onnx');
    const q = await runPare(['compress', realModels.wakeWord, '-o', stat, '--quantize', 'int8-static', '--no-eval', '--json']);
    expect(q.code, q.stderr).toBe(0);
    const r = await runPare(['eval', stat, '--reference', realModels.wakeWord]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.includes(`\n${INT8_SATURATION_NOTE}\n`)).toBe(await nodeInt8ProductsSaturate());
  });

  it('reads an inputs file and reports JSON', async () => {
    const inputs = path.join(dir, 'inputs.json');
    fs.writeFileSync(inputs, formatInputsFile({ samples: generateInputs([{ name: 'onnx::Flatten_0', type: 'float32', shape: [1, 25, 96] }], { count: 3, seed: 9 }) }));
    const r = await runPare(['eval', candidate, '--reference', realModels.wakeWord, '--inputs', inputs, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.samples).toBe(3);
    expect(report.inputs).toBe(inputs);
    expect(report.backends[1].overall.cosineMean).toBeGreaterThan(0.99);
  });

  it('names what is wrong with a bad inputs file or a missing reference', async () => {
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ samples: [{ 'onnx::Flatten_0': { dims: [1, 24, 96], data: [] } }] }));
    const a = await runPare(['eval', candidate, '--reference', realModels.wakeWord, '--inputs', bad]);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/Sample 0, input "onnx::Flatten_0": dimension 1 is 24; the model fixes it to 25/);
    const b = await runPare(['eval', candidate]);
    expect(b.code).not.toBe(0);
    expect(b.stderr).toMatch(/--reference/);
    const c = await runPare(['eval', candidate, '--reference', path.join(dir, 'gone.onnx')]);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/The reference model: No model at .*gone.onnx: the file does not exist/);
  });
});
