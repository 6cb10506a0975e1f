// Decoder LMs, all in one run on the fixtures (packages/runtime/test/fixtures/lm): greedy continuations identical
// to the Python model's (first 32 new tokens, fp32, in onnxruntime-web's wasm and onnxruntime-node) · 4-bit and
// int8 weight forms: held-out perplexity against fp32 at their share of the fp32 bytes · cached decoding against
// recomputing, per new token at about 128 tokens of context (wasm) · tokens per second in workerd (the edge
// worker, greedy over HTTP) against onnxruntime-web in Node and transformers.js's text-generation pipeline in
// Node, the same model and prompts · time to first token in a warm isolate, with its split.
// Run: npx tsx bench/lmBench.ts [--rounds 10] [--tokens 32]
// Writes bench-results/lm.md (a section of BENCHMARKS.md, see bench/runAll.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { compressModel, type CompressOptions } from '@pare/compress';
import { decodeModel, encodeModel } from '@pare/onnx';
import { corpusPerplexity, type InferenceBackend } from '@pare/runtime';
import { nodeBackend } from '@pare/runtime/node';
import { webNodeBackend } from '@pare/runtime/web-node';
import { startLocalEdge } from '../infra/localEdgeWorker';
import { msPerToken } from './lm/decodeSpeed';
import { edgeRater, type EdgeGeneration, type EdgeRater, type Ttft, type WarmUp } from './lm/edgeGeneration';
import { heldOutTexts, lmExpected, loadLm, type LmFolder } from './lm/lmFixtures';
import { greedyIdentical, nodeRater } from './lm/nodeGeneration';
import { renderLmReport, type FormRow, type LmResult } from './lm/lmReport';
import { alternatingRates, type TokenRater } from './lm/tokenRates';
import { transformersJsRater } from './lm/transformersJsGeneration';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '10' }, tokens: { type: 'string', default: '32' } } });
const ROUNDS = Number(args.rounds);
const TOKENS = Number(args.tokens);
const CONTEXT = 128;
const STEPS = 16;
const MODELS = ['gpt2-sotu', 'llama-sotu'];

function log(message: string): void {
  process.stderr.write(`lm bench: ${message}\n`);
}

async function perplexity(backend: InferenceBackend, lm: LmFolder, bytes: Uint8Array, texts: readonly string[]): Promise<{ ppl: number; predicted: number[][] }> {
  const session = await backend.createSession(bytes);
  try {
    const run = await corpusPerplexity(lm.manifest, lm.tokenizer, session, texts);
    return { ppl: run.perplexity, predicted: run.predicted };
  } finally {
    await session.release();
  }
}

function agreement(a: number[][], b: number[][]): number {
  let same = 0, total = 0;
  a.forEach((row, i) => row.forEach((id, t) => { total++; if (b[i]![t] === id) same++; }));
  return same / total;
}

async function forms(lm: LmFolder, texts: readonly string[]): Promise<FormRow[]> {
  const fp32 = lm.folder.modelBytes;
  const base = await perplexity(webNodeBackend, lm, fp32, texts);
  const nodeBase = await perplexity(nodeBackend, lm, fp32, texts);
  const rows: FormRow[] = [{ form: 'fp32 (as exported)', bytes: fp32.byteLength, ppl: base.ppl, ratio: 1, nodeRatio: 1, sizeRatio: 1, top1: 1 }];
  const forms: Array<[string, CompressOptions]> = [
    ['fp32, head tied', { quantize: 'none' }],
    ['int8-weights', { quantize: 'int8-weights' }],
    ['int4-weights (block 32), int8 tables', { quantize: 'int4-weights', embeddingBits: 8 }],
    ['int4-weights (block 32)', { quantize: 'int4-weights' }],
    ['int4-weights (block 64)', { quantize: 'int4-weights', blockSize: 64 }],
  ];
  for (const [form, options] of forms) {
    const bytes = encodeModel((await compressModel(decodeModel(fp32).model, options)).model);
    const r = await perplexity(webNodeBackend, lm, bytes, texts);
    const n = await perplexity(nodeBackend, lm, bytes, texts);
    rows.push({ form, bytes: bytes.byteLength, ppl: r.ppl, ratio: r.ppl / base.ppl, nodeRatio: n.ppl / nodeBase.ppl, sizeRatio: bytes.byteLength / fp32.byteLength, top1: agreement(base.predicted, r.predicted) });
    log(`${lm.name} ${form}: ${bytes.byteLength} bytes, ppl ${r.ppl.toFixed(2)} (×${(r.ppl / base.ppl).toFixed(4)})`);
  }
  return rows;
}

/**
 * Tokens per second of the four runtimes on the same prompts, in alternation (tokenRates.ts), the edge on a freshly
 * started worker warmed first (edgeGeneration.ts warmUp); then the edge's time to first token.
 */
async function speeds(lm: LmFolder, prompts: readonly string[], ttftPrompt: string): Promise<{ rates: Map<string, number | { error: string }>; edge: { warmUp: WarmUp; ttft: Ttft } | { error: string } }> {
  const edge = await startLocalEdge('pare-lm-bench-', randomBytes(24).toString('hex'));
  const closers: Array<() => Promise<void>> = [() => edge.stop()];
  try {
    const raters: TokenRater[] = [];
    let edgeRun: EdgeRater | { error: string };
    try {
      edgeRun = await edgeRater(edge.worker, lm, prompts, TOKENS);
      raters.push(edgeRun);
      log(`${lm.name}: workerd warm-up ${JSON.stringify(edgeRun.warmUp)}`);
    } catch (e) {
      edgeRun = { error: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
    }
    for (const [name, backend] of [['web', webNodeBackend], ['node', nodeBackend]] as const) {
      const r = await nodeRater(name, backend, lm, prompts);
      closers.push(r.close);
      raters.push(r);
    }
    try {
      raters.push(await transformersJsRater(lm, prompts));
    } catch (e) {
      log(`${lm.name}: transformers.js failed: ${e instanceof Error ? e.message.split('\n')[0]! : String(e)}`);
    }
    const rates = await alternatingRates(raters, prompts, TOKENS, ROUNDS);
    if (!raters.some((r) => r.name === 'transformers.js')) rates.set('transformers.js', { error: 'the pipeline did not load' });
    const edgeResult = 'error' in edgeRun ? edgeRun : { warmUp: edgeRun.warmUp, ttft: await edgeRun.ttft(ttftPrompt, Math.max(8, ROUNDS * 4)) };
    return { rates, edge: edgeResult };
  } finally {
    for (const close of closers.reverse()) await close();
  }
}

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0]!;
  const texts = heldOutTexts();
  const lms = await Promise.all(MODELS.map(async (name) => ({ name, lm: await loadLm(name), recompute: await loadLm(`${name}-nocache`), expected: lmExpected(name) })));
  const promptsOf = (lm: LmFolder, expected: ReturnType<typeof lmExpected>) => {
    // Prompts whose Python continuation has no end-of-text in its first TOKENS tokens: every runtime makes all of them.
    const eos = lm.manifest.generation!.eosTokenIds;
    return expected.greedy.filter((g) => !g.ids.slice(0, TOKENS).some((id) => eos.includes(id))).slice(0, 3).map((g) => g.prompt);
  };
  const ttftTextOf = (lm: LmFolder) => {
    const long = texts.find((t) => lm.tokenizer.encode([t]).dims[1] >= 32)!;
    return lm.tokenizer.decode!(Array.from(lm.tokenizer.encode([long]).ids.slice(0, 32), Number).filter((id) => id !== lm.manifest.generation!.bosTokenId));
  };
  const results: LmResult[] = [];
  for (const { name, lm, recompute, expected } of lms) {
    log(`${name}: greedy parity`);
    const greedyWasm = await greedyIdentical(webNodeBackend, lm, expected);
    const greedyNode = await greedyIdentical(nodeBackend, lm, expected);
    log(`${name}: forms`);
    const formRows = await forms(lm, texts);
    // A held-out text long enough for the context, as the model's own ids.
    const longIds = texts.map((t) => lm.tokenizer.encode([t])).find((e) => e.dims[1] >= CONTEXT);
    const ids = longIds ? Array.from(longIds.ids.slice(0, CONTEXT), Number) : Array.from({ length: CONTEXT }, (_, i) => 10 + i);
    const cachedMs = await msPerToken(webNodeBackend, lm, ids, CONTEXT, STEPS);
    const recomputeMs = await msPerToken(webNodeBackend, recompute, ids, CONTEXT, STEPS);
    log(`${name}: ${cachedMs.toFixed(3)} ms/token cached, ${recomputeMs.toFixed(3)} recomputed`);
    const prompts = promptsOf(lm, expected);
    const speed = await speeds(lm, prompts, ttftTextOf(lm));
    const rate = (k: string) => speed.rates.get(k) ?? { error: 'not run' };
    const number = (x: number | { error: string }) => (typeof x === 'number' ? x : Number.NaN);
    const tjsRate = rate('transformers.js');
    const edgeRate = rate('workerd');
    const workerd: EdgeGeneration | { error: string } = 'error' in speed.edge ? speed.edge : typeof edgeRate === 'number' ? { tokensPerSecond: edgeRate, warmUp: speed.edge.warmUp, ttft: speed.edge.ttft } : edgeRate;
    const tjs = typeof tjsRate === 'number' ? { tokensPerSecond: tjsRate } : tjsRate;
    const webTps = number(rate('web')), nodeTps = number(rate('node'));
    log(`${name}: tokens/s workerd ${JSON.stringify(workerd)}, web ${webTps.toFixed(1)}, node ${nodeTps.toFixed(1)}, transformers.js ${JSON.stringify(tjs)}`);
    results.push({ name, architecture: lm.folder.config.architectures[0] ?? '', parameters: lm.manifest.parameters ?? 0, greedyWasm, greedyNode, forms: formRows, context: CONTEXT, cachedMs, recomputeMs, tokens: TOKENS, prompts: prompts.length, webTps, nodeTps, tjs, workerd });
  }
  const out = path.join(import.meta.dirname, '..', 'bench-results', 'lm.md');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, renderLmReport(results, { rounds: ROUNDS, texts: texts.length, load: [loadAtStart, os.loadavg()[0]!] }));
  log(`wrote ${out}`);
}

await main();
