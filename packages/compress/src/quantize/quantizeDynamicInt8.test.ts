import { describe, expect, it } from 'vitest';
import { encodeModel, GraphBuilder, opCounts, type Model } from '@pare/onnx';
import { PareError } from '@pare/errors';
import { realModels } from '../../../onnx/test/fixtures';
import { quantizeDynamicInt8 } from './quantizeDynamicInt8';
import type { DynamicForm } from './dynamicMatMul';
import { embeddingModel, mlp } from '../../test/builtModels';
import { documentImage, loadModel } from '../../test/inputs';
import { floatFeed, minCosine, nodeInt8Floor, runModel, seededFloats, type Runtime } from '../../test/runtimes';
import type { Feeds } from '@pare/runtime';

const FORMS: DynamicForm[] = ['matmul-integer', 'dynamic-quantize-matmul', 'weight-only', 'matmul-nbits'];
/** Forms whose products run on integer kernels: uint8 weights by default, exact in onnxruntime-node on every CPU. */
const INTEGER_FORMS = new Set<DynamicForm>(['matmul-integer', 'dynamic-quantize-matmul']);
/** onnxruntime-node's floor for int8 (signed) weights where the CPU saturates u8 × s8 products: 0.981 is the worst measured. */
const SATURATED_FLOOR = 0.97;

/** Min output cosine of `candidate` vs `reference`, each run in the same runtime, for both runtimes. */
async function fidelity(reference: Model, candidate: Model, feeds: Feeds[], runtimes: Runtime[] = ['node', 'web']): Promise<Record<Runtime, number>> {
  const out = {} as Record<Runtime, number>;
  for (const rt of runtimes) {
    out[rt] = minCosine(await runModel(rt, encodeModel(reference), feeds), await runModel(rt, encodeModel(candidate), feeds));
  }
  return out;
}

describe('quantizeDynamicInt8 on built models', () => {
  const feeds = [floatFeed('x', [1, 256], 1), floatFeed('x', [32, 256], 2)];

  it.each(FORMS.flatMap((form) => (form === 'matmul-nbits' ? [true] : [true, false]).map((perChannel) => [form, perChannel] as const)))(
    'MatMul MLP, form %s, perChannel %s: runs in onnxruntime-node and -web, cosine ≥ 0.999 on every CPU, ≤ 0.27 of fp32 bytes',
    async (form, perChannel) => {
      const model = mlp([256, 1024, 1024, 10]);
      const { model: q, report } = quantizeDynamicInt8(model, { form, perChannel });
      const f = await fidelity(model, q, feeds);
      expect(f.node).toBeGreaterThan(0.999);
      expect(f.web).toBeGreaterThan(0.999);
      expect(encodeModel(q).byteLength / encodeModel(model).byteLength).toBeLessThanOrEqual(0.27);
      expect(report.tensors.map((t) => t.name)).toEqual(['w0', 'w1', 'w2']);
      const granularity = form === 'matmul-nbits' ? 'block 128 along K' : perChannel ? 'per-channel(axis 1)' : 'per-tensor';
      // Integer forms store q + 128 as uint8 with zero point 128: the same values, read by u8 × u8 kernels.
      const stored = INTEGER_FORMS.has(form) ? { dtype: 'uint8', zeroPoint: 128 } : { dtype: 'int8' };
      expect(report.tensors[0]!.detail).toMatchObject({ ...stored, symmetric: true, form, granularity });
      expect(report.tensors[0]!.bytesAfter).toBeLessThan(report.tensors[0]!.bytesBefore / 3.8);
    },
  );

  it.each(['matmul-integer', 'dynamic-quantize-matmul'] as const)('form %s with unsignedWeights false stores int8 weights, as before (node ≥ 0.97 on a saturating CPU)', async (form) => {
    const model = mlp([256, 1024, 1024, 10]);
    const signed = quantizeDynamicInt8(model, { form, unsignedWeights: false });
    const unsigned = quantizeDynamicInt8(model, { form });
    expect(signed.report.tensors[0]!.detail).toMatchObject({ dtype: 'int8' });
    const weight = (q: Model) => q.graph!.initializer.find((t) => t.name === q.graph!.node.find((n) => n.op_type === (form === 'matmul-integer' ? 'MatMulInteger' : 'DynamicQuantizeMatMul'))!.input[1])!;
    expect(weight(signed.model).data_type).toBe(3);
    expect(weight(unsigned.model).data_type).toBe(2);
    const [fs, fu] = [await fidelity(model, signed.model, feeds), await fidelity(model, unsigned.model, feeds)];
    expect(fs.node).toBeGreaterThan(await nodeInt8Floor(0.999, SATURATED_FLOOR));
    // Same values: wasm (exact for both) gives the same outputs.
    expect(Math.abs(fs.web - fu.web)).toBeLessThan(1e-6);
    expect(fu.node).toBeGreaterThan(0.999);
  });

  it('folds the bias Add into DynamicQuantizeMatMul and leaves no fp32 weight behind', () => {
    const { model: q } = quantizeDynamicInt8(mlp([256, 1024, 10]), {});
    expect(opCounts(q)).toEqual({ 'com.microsoft.DynamicQuantizeMatMul': 2, Relu: 1 });
    expect(q.graph!.initializer.every((t) => t.data_type !== 1 || t.dims.length <= 1)).toBe(true);
    expect(q.opset_import).toContainEqual({ domain: 'com.microsoft', version: 1 });
  });

  it.each(FORMS)('Gemm with transB=1, alpha 0.5, beta 2 and a bias, form %s, matches fp32', async (form) => {
    const model = mlp([256, 512, 10], { gemm: true });
    const { model: q } = quantizeDynamicInt8(model, { form });
    const f = await fidelity(model, q, feeds);
    expect(f.node).toBeGreaterThan(0.999);
    expect(f.web).toBeGreaterThan(0.999);
  });

  it('Gemm whose C is a runtime value, scaled by beta, stays correct', async () => {
    const b = new GraphBuilder('gemm_c', { opset: 13 });
    const x = b.input('x', 'float32', [4, 300]);
    const c = b.input('c', 'float32', [4, 20]);
    const w = b.initializer('w', 'float32', [300, 20], seededFloats(6000, 5));
    b.output(b.op('Gemm', [x, w, c], { beta: { float: 0.5 }, alpha: { float: 1.5 } }), 'float32', [4, 20]);
    const model = b.build();
    const feed: Feeds = { ...floatFeed('x', [4, 300], 6), ...floatFeed('c', [4, 20], 7, -10, 10) };
    for (const form of ['matmul-integer', 'dynamic-quantize-matmul'] as const) {
      const f = await fidelity(model, quantizeDynamicInt8(model, { form }).model, [feed]);
      expect(f.node).toBeGreaterThan(0.999);
      expect(f.web).toBeGreaterThan(0.999);
    }
  });

  // The head MatMul after the Gather is quantized too (u8 × u8 products, exact on every CPU).
  it.each([true, false])('embedding table (Gather, axis 0) stored int8, perChannel (per-row) %s', async (perChannel) => {
    const model = embeddingModel(1000, 64);
    const { model: q, report } = quantizeDynamicInt8(model, { perChannel });
    const ids: Feeds = { ids: { type: 'int64', data: BigInt64Array.from([0n, 17n, 999n, 3n, 3n, 500n]), dims: [2, 3] } };
    const f = await fidelity(model, q, [ids]);
    expect(f.node).toBeGreaterThan(0.999);
    expect(f.web).toBeGreaterThan(0.999);
    const table = report.tensors.find((t) => t.name === 'embedding')!;
    expect(table.detail).toMatchObject({ op: 'Gather', granularity: perChannel ? 'per-row' : 'per-tensor' });
    expect(table.bytesAfter).toBeLessThan(table.bytesBefore * 0.27);
    expect(q.graph!.initializer.find((t) => t.name === 'embedding')).toBeUndefined();
  });

  it('leaves excluded and small weights in fp32 and says why; never touches the input model', () => {
    const model = mlp([256, 1024, 16, 10]);
    const before = encodeModel(model);
    const { model: q, report } = quantizeDynamicInt8(model, { exclude: ['w0'], minElements: 1000 });
    expect(report.tensors.map((t) => t.name)).toEqual(['w1']);
    expect(report.skipped).toEqual([
      { name: 'w0', reason: 'excluded by "w0"' },
      { name: 'w2', reason: 'small tensor (160 < 1000 elements)' },
    ]);
    expect(q.graph!.initializer.find((t) => t.name === 'w0')!.data_type).toBe(1);
    // Globs as the CLI's --exclude takes them: `w*` leaves every weight alone.
    expect(quantizeDynamicInt8(model, { exclude: ['w*'] }).report.tensors).toHaveLength(0);
    expect(Buffer.from(encodeModel(model)).equals(Buffer.from(before))).toBe(true);
  });

  it('refuses an opset too old for the chosen form, naming the opset it needs', () => {
    const old = mlp([256, 300, 10], { opset: 10 });
    expect(() => quantizeDynamicInt8(old, { form: 'matmul-integer' })).toThrow(/needs ONNX opset 11 or newer, but the model imports opset 10/);
    const e = (() => { try { quantizeDynamicInt8(mlp([256, 300, 10], { opset: 12 }), { form: 'weight-only' }); } catch (err) { return err; } })();
    expect(e).toBeInstanceOf(PareError);
    expect((e as PareError).code).toBe('opset_too_old');
    expect((e as PareError).message).toMatch(/opset 13.*upgradeOpset/);
    expect(() => quantizeDynamicInt8(old, { form: 'qlinear' as DynamicForm })).toThrow(/Unknown form "qlinear"; expected one of matmul-integer, dynamic-quantize-matmul, weight-only, matmul-nbits/);
    expect(() => quantizeDynamicInt8(old, { form: 'matmul-nbits', blockSize: 48 })).toThrow(/blockSize must be a power of two/);
    // The contrib form needs no particular default-domain opset.
    expect(() => quantizeDynamicInt8(old, { form: 'dynamic-quantize-matmul' })).not.toThrow();
  });
});

describe('quantizeDynamicInt8 on real models', () => {
  it('wake-word head (Gemm, weights in Constant nodes): cosine ≥ 0.995 in both runtimes', async () => {
    const model = loadModel(realModels.wakeWord);
    const { model: q, report } = quantizeDynamicInt8(model, {});
    expect(report.notes.join(' ')).toMatch(/Constant-node weights moved/);
    expect(report.tensors.length).toBeGreaterThanOrEqual(2);
    const feeds = [1, 2, 3].map((s) => floatFeed('onnx::Flatten_0', [1, 25, 96], s, -2, 2));
    const f = await fidelity(model, q, feeds);
    expect(f.node).toBeGreaterThan(0.995);
    expect(f.web).toBeGreaterThan(0.995);
  });

  it('PP-OCRv4 rec (opset 9, transformer MatMuls) with the default form: cosine ≥ 0.999 in both runtimes', async () => {
    const model = loadModel(realModels.ocrRec);
    const { model: q, report } = quantizeDynamicInt8(model, {});
    expect(report.tensors.length).toBeGreaterThanOrEqual(8);
    const f = await fidelity(model, q, [documentImage(48, 160, 1)]);
    expect(f.node).toBeGreaterThan(0.999);
    expect(f.web).toBeGreaterThan(0.999);
    // 13 MatMuls hold about 3 MB of the 10.8 MB; the convs stay fp32 in the dynamic form.
    expect(encodeModel(q).byteLength).toBeLessThan(encodeModel(model).byteLength - 2_000_000);
  });

  it('Silero VAD: the LSTM weights inside the If bodies go weight-only int8 (no dynamic LSTM kernel) and are reported; runs', async () => {
    const model = loadModel(realModels.sileroVad);
    const { model: q, report } = quantizeDynamicInt8(model, {});
    expect(report.notes.join(' ')).toMatch(/18 subgraph\(s\) \(If\/Loop\/Scan bodies\): 16 weight tensor\(s\) inside them quantized/);
    expect(report.tensors.filter((t) => t.detail?.op === 'LSTM').every((t) => t.detail!.form === 'weight-only')).toBe(true);
    const feed: Feeds = {
      input: { type: 'float32', data: seededFloats(512, 3, -0.5, 0.5), dims: [1, 512] },
      sr: { type: 'int64', data: BigInt64Array.of(16000n), dims: [] },
      h: { type: 'float32', data: new Float32Array(128), dims: [2, 1, 64] },
      c: { type: 'float32', data: new Float32Array(128), dims: [2, 1, 64] },
    };
    const f = await fidelity(model, q, [feed], ['node']);
    expect(f.node).toBeGreaterThan(0.99);
  });
});
