// `pare inspect` as a user runs it: the real bin, a real model, and the mistakes people make.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runPare } from '../../test/runPare';
import { realModels } from '../../../../packages/onnx/test/fixtures';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const dir = mkdtempSync(path.join(tmpdir(), 'pare-inspect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pare = (...args: string[]) => runPare(args, { cwd: ROOT });

/** A failure a user caused: exit 1, the message on stderr, nothing on stdout, no stack trace. */
async function expectUserError(args: string[], message: RegExp): Promise<void> {
  const r = await pare(...args);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^pare: /);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack frames
}

describe('pare inspect', () => {
  it('prints tables for a real model', async () => {
    const r = await pare('inspect', realModels.wakeWord);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/IR version\s+7/);
    expect(r.stdout).toMatch(/opsets\s+ai\.onnx 13/);
    expect(r.stdout).toMatch(/producer\s+pytorch 2\.8\.0/);
    expect(r.stdout).toMatch(/onnx::Flatten_0\s+float32\s+\[1, 25, 96\]/);
    expect(r.stdout).toMatch(/float32\s+14\s+78,053\s+304\.9 KiB/);
    expect(r.stdout).toMatch(/4 of the 14 tensors are held in Constant nodes/);
    expect(r.stdout).toMatch(/sparsity: 0\.00% zeros/);
    expect(r.stdout).toMatch(/Gemm\s+3/);
  });

  it('prints one JSON object with --json (subgraphs of silero included)', async () => {
    const r = await pare('inspect', realModels.sileroVad, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.bytes).toBe(readFileSync(realModels.sileroVad).byteLength);
    const s = report.summary;
    expect(s.irVersion).toBe(8);
    expect(s.opsets[0]).toEqual({ domain: 'ai.onnx', version: 16 });
    expect(s.inputs.map((i: { name: string }) => i.name)).toEqual(['input', 'sr', 'h', 'c']);
    expect(s.inputs[1]).toEqual({ name: 'sr', dtype: 'int64', shape: [] });
    expect(s.outputs[0]).toEqual({ name: 'output', dtype: 'float32', shape: ['batch', 1] });
    expect(s.subgraphCount).toBe(18);
    expect(s.opCounts.LSTM).toBe(8);
    expect(s.parameters.byDtype[0]).toMatchObject({ dtype: 'float32', count: 444944, bytes: 444944 * 4 });
    expect(s.sparsity.fraction).toBeGreaterThan(0);
    expect(report.unknownFields).toEqual([]);
  });

  it('refuses a missing file', () => expectUserError(['inspect', path.join(dir, 'missing.onnx')], /No model at .*missing\.onnx/));

  it('refuses a folder without a model in it', () => expectUserError(['inspect', dir], /no model\.onnx or onnx\/model\.onnx in /));

  it('says a JSON file is JSON', async () => {
    writeFileSync(path.join(dir, 'config.json'), '{"hidden_size": 768}\n');
    await expectUserError(['inspect', path.join(dir, 'config.json')], /not an ONNX model: the file is a JSON file/);
  });

  it('says a truncated model is truncated', async () => {
    const bytes = readFileSync(realModels.ocrCls);
    writeFileSync(path.join(dir, 'cut.onnx'), bytes.subarray(0, 100_000));
    await expectUserError(['inspect', path.join(dir, 'cut.onnx')], /cut\.onnx: .*truncated/);
  });

  it('exits non-zero with usage when the path is left out', async () => {
    const r = await pare('inspect');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/missing required argument/);
  });
});
