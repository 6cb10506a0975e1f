// Both pruning passes on real pre-trained models: the results must load and run in onnxruntime-node and
// onnxruntime-web (wasm), keep the model's interface, get smaller (structured) and stay close to the
// original. Fidelity is the cosine of logits/features on seeded random inputs, printed for the record.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { constantsToInitializers, decodeModel, encodeModel, elementCount, type Model } from '@pare/onnx';
import { gzipSize } from '@pare/runtime';
import { realModels } from '../../../onnx/test/fixtures';
import { pruneMagnitude } from './magnitude';
import { pruneStructured } from './structured';
import { cosine, feed, runNode, runWeb, withProbe, type Feed, type Outputs } from '../../test/pruneRuntime';

interface Case {
  name: 'ocrCls' | 'ocrDet' | 'wakeWord';
  /** Several inputs: a score vector of one or two numbers says little by itself. */
  feeds: Array<Record<string, Feed>>;
  /** Logits or features before the final squashing (softmax/sigmoid saturate and hide differences). */
  probe: (m: Model) => string;
  /** Loose floor on the probe's cosine at structured ratio 0.1 (random inputs, no fine-tuning). */
  minCosine: number;
}

const cases: Case[] = [
  { name: 'ocrCls', feeds: [{ x: feed([4, 3, 48, 192], 1) }], probe: () => 'reshape2_0.tmp_0', minCosine: 0.85 },
  { name: 'ocrDet', feeds: [{ x: feed([1, 3, 64, 64], 2) }], probe: sigmoidInput, minCosine: 0.97 },
  { name: 'wakeWord', feeds: [1, 2, 3, 4, 5, 6].map((s) => ({ 'onnx::Flatten_0': feed([1, 25, 96], s) })), probe: sigmoidInput, minCosine: 0.9 },
];

function sigmoidInput(m: Model): string {
  return m.graph!.node.find((n) => n.op_type === 'Sigmoid')!.input[0]!;
}

/** Elements of every MatMul/Gemm/Conv weight: the multiply-adds per output position. */
function weightElements(model: Model): number {
  const m = constantsToInitializers(model).model;
  const inits = new Map(m.graph!.initializer.map((t) => [t.name, t]));
  return m.graph!.node.filter((n) => ['MatMul', 'Gemm', 'Conv'].includes(n.op_type ?? ''))
    .reduce((s, n) => s + (inits.get(n.input[1]) ? elementCount(inits.get(n.input[1])!.dims) : 0), 0);
}

async function outputsOf(run: typeof runNode, model: Model, feeds: Case['feeds'], probe: string): Promise<Outputs[]> {
  const probed = encodeModel(withProbe(model, probe));
  const all: Outputs[] = [];
  for (const f of feeds) all.push(await run(probed, f));
  return all;
}
const concat = (outs: Outputs[], key: string): Float32Array => Float32Array.from(outs.flatMap((o) => Array.from(o[key]!)));

const figures: string[] = [];
afterAll(() => console.log(['pruning on real models (cosine of logits/features vs original, seeded random inputs):', ...figures].join('\n  ')));

describe.each(cases)('$name', ({ name, feeds, probe, minCosine }) => {
  const bytes = readFileSync(realModels[name]);
  const model = decodeModel(bytes).model;
  const probeName = probe(model);
  const finalOutput = model.graph!.output[0]!.name!;
  let original: Outputs[];

  async function check(label: string, pruned: Model): Promise<{ cos: number; size: number }> {
    original ??= await outputsOf(runNode, model, feeds, probeName);
    const viaNode = await outputsOf(runNode, pruned, feeds, probeName);
    const viaWeb = await outputsOf(runWeb, pruned, feeds, probeName);
    for (const [i, o] of viaNode.entries()) {
      expect(o[finalOutput]!.length).toBe(original[i]![finalOutput]!.length);
      expect(cosine(o[probeName]!, viaWeb[i]![probeName]!)).toBeGreaterThan(0.9999);
    }
    const cos = cosine(concat(original, probeName), concat(viaNode, probeName));
    const size = encodeModel(pruned).byteLength;
    figures.push(`${name} ${label}: ${bytes.byteLength} → ${size} bytes (${(size / bytes.byteLength).toFixed(3)}), weight MACs/position ${weightElements(model)} → ${weightElements(pruned)}, cosine ${cos.toFixed(4)}`);
    return { cos, size };
  }

  it('structured ratio 0.1: smaller, runs in both runtimes, close to the original', async () => {
    const { model: pruned, report } = pruneStructured(model, { ratio: 0.1 });
    const { cos, size } = await check('structured 0.1', pruned);
    expect(size).toBeLessThan(bytes.byteLength);
    expect(weightElements(pruned)).toBeLessThan(weightElements(model));
    expect(cos).toBeGreaterThan(minCosine);
    expect(report.tensors.length).toBeGreaterThan(0);
    // wakeWord's hidden layers go through a LayerNorm written out as ReduceMean/Sub/Pow/Sqrt/Div.
    if (name === 'wakeWord') expect(report.notes.join('\n')).toMatch(/approximate: .*ReduceMean\) reduces over fewer units/);
  });

  it('structured ratio 0.3: still valid shapes and much smaller', async () => {
    const { model: pruned, report } = pruneStructured(model, { ratio: 0.3 });
    const { cos, size } = await check('structured 0.3', pruned);
    expect(size).toBeLessThan(bytes.byteLength * 0.9);
    expect(cos).toBeGreaterThan(0);
    if (name !== 'wakeWord') expect(report.skipped.some((s) => /residual connection/.test(s.reason))).toBe(true);
  });

  it('magnitude sparsity 0.5 per layer: exact sparsity on the pruned tensors, runs in both runtimes', async () => {
    const { model: pruned, report } = pruneMagnitude(model, { sparsity: 0.5 });
    for (const t of report.tensors) expect(Math.abs(t.sparsity! - 0.5)).toBeLessThan(1e-3);
    const { cos } = await check('magnitude 0.5', pruned);
    expect(cos).toBeGreaterThan(0.9);
    // Zeros are still stored densely; what magnitude pruning buys is compressibility.
    const gzBefore = await gzipSize(bytes);
    const gzAfter = await gzipSize(encodeModel(pruned));
    figures.push(`${name} magnitude 0.5 gzipped: ${gzBefore} → ${gzAfter} bytes (${(gzAfter / gzBefore).toFixed(3)})`);
    expect(gzAfter).toBeLessThan(gzBefore * 0.85);
  });
});

describe('ocrRec (conv + transformer MatMul)', () => {
  it('structured ratio 0.1 prunes the feed-forward MatMuls and keeps the top-1 characters', async () => {
    const bytes = readFileSync(realModels.ocrRec);
    const model = decodeModel(bytes).model;
    const { model: pruned, report } = pruneStructured(model, { ratio: 0.1 });
    expect(report.notes.some((n) => /"p2o\.MatMul\.\d+": kept 216 of 240 units/.test(n))).toBe(true);
    const size = encodeModel(pruned).byteLength;
    expect(size).toBeLessThan(bytes.byteLength * 0.95);
    const x = { x: feed([1, 3, 48, 160], 1) };
    const key = model.graph!.output[0]!.name!;
    const base = (await runNode(bytes, x))[key]!;
    const viaNode = (await runNode(pruned, x))[key]!;
    const viaWeb = (await runWeb(pruned, x))[key]!;
    expect(cosine(viaNode, viaWeb)).toBeGreaterThan(0.9999);
    const classes = 6625;
    const top1 = (v: Float32Array, t: number): number => { let best = 0; for (let c = 1; c < classes; c++) if (v[t * classes + c]! > v[t * classes + best]!) best = c; return best; };
    const steps = base.length / classes;
    let same = 0;
    for (let t = 0; t < steps; t++) if (top1(base, t) === top1(viaNode, t)) same++;
    const cos = cosine(base, viaNode);
    figures.push(`ocrRec structured 0.1: ${bytes.byteLength} → ${size} bytes (${(size / bytes.byteLength).toFixed(3)}), weight MACs/position ${weightElements(model)} → ${weightElements(pruned)}, output cosine ${cos.toFixed(4)}, top-1 agreement ${same}/${steps}`);
    expect(cos).toBeGreaterThan(0.95);
    expect(same / steps).toBeGreaterThanOrEqual(0.9);
  });
});

describe('sileroVad (If subgraphs)', () => {
  it('both passes leave subgraphs well-formed and the model runs', async () => {
    const model = decodeModel(readFileSync(realModels.sileroVad)).model;
    const feeds = {
      input: feed([1, 512], 9), sr: { data: BigInt64Array.from([16000n]), dims: [] },
      h: feed([2, 1, 64], 10, 0, 0), c: feed([2, 1, 64], 11, 0, 0),
    };
    const base = await runNode(model, feeds);
    const structured = pruneStructured(model, { ratio: 0.1 });
    const magnitude = pruneMagnitude(structured.model, { threshold: 1e-3 });
    for (const run of [runNode, runWeb]) {
      const out = await run(magnitude.model, feeds);
      expect(out.output!.length).toBe(base.output!.length);
      expect(out.hn!.length).toBe(base.hn!.length);
    }
    expect(structured.report.notes).toContain('subgraphs (If/Loop/Scan bodies) are left as they are; only the main graph is rewritten');
    // The Conv weights live in the main graph but are read inside the If branches: they are found anyway.
    expect(magnitude.report.tensors.map((t) => t.name)).toContain('model.first_layer.0.pw_conv.0.weight');
    figures.push(`sileroVad: magnitude |w|<1e-3 touched ${magnitude.report.tensors.length} weight tensors read inside If branches; structured leaves subgraphs alone`);
  });
});
