// bench-results/lm.md from the LM bench's measures (bench/lmBench.ts).
import type { EdgeGeneration } from './edgeGeneration';

export interface FormRow {
  form: string;
  bytes: number;
  ppl: number;
  ratio: number;
  /** The same ratio in onnxruntime-node (the form loads there too). */
  nodeRatio: number;
  sizeRatio: number;
  top1: number;
}

export interface LmResult {
  name: string;
  architecture: string;
  parameters: number;
  greedyWasm: { identical: number; prompts: number };
  greedyNode: { identical: number; prompts: number };
  forms: FormRow[];
  context: number;
  cachedMs: number;
  recomputeMs: number;
  tokens: number;
  prompts: number;
  webTps: number;
  nodeTps: number;
  tjs: { tokensPerSecond: number } | { error: string };
  workerd: EdgeGeneration | { error: string };
}

const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)}% (${n}/${d})`;
const kib = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
const tps = (x: { tokensPerSecond: number } | { error: string }) => ('error' in x ? `failed: ${x.error}` : x.tokensPerSecond.toFixed(1));

export function renderLmReport(results: readonly LmResult[], run: { rounds: number; texts: number; load?: [number, number] }): string {
  const lines = [
    '# Decoder language models at the edge',
    '',
    'Reproduce: `npx tsx bench/lmBench.ts` (or `npm run bench -- --only lm`). Fixtures: tiny GPT-2 and Llama models',
    'trained a few minutes on State of the Union addresses (packages/runtime/scripts/lm_fixtures.py); held-out',
    `perplexities over ${run.texts} sentences of packages/runtime/test/fixtures/lm/texts.jsonl; ${run.rounds} timed rounds${run.load ? `; load average ${run.load[0].toFixed(1)} at the start, ${run.load[1].toFixed(1)} at the end (on 2 cores: speeds and speed ratios move with it; sizes and perplexities do not)` : ''}.`,
    'Tokens per second are (N − 1) / (time of an N-token greedy generation − time of a 1-token one), the same way for',
    'every runtime, on prompts whose Python continuation has no end-of-text token within N; the four runtimes are timed',
    'in alternation, each round every runtime once per prompt (bench/lm/tokenRates.ts), so that load from elsewhere falls',
    'on all of them; the figure is the median over rounds and prompts. workerd and onnxruntime-web run one thread each;',
    'onnxruntime-node and transformers.js (which runs onnxruntime-node) use a pool of threads, which loses far more when',
    'other processes load the cores.',
    '',
    '## Greedy continuations identical to transformers\' (first 32 new tokens, fp32)',
    '',
    '| model | parameters | onnxruntime-web (wasm) | onnxruntime-node |',
    '|---|---:|---:|---:|',
    ...results.map((r) => `| ${r.name} (${r.architecture}) | ${r.parameters.toLocaleString('en-US')} | ${pct(r.greedyWasm.identical, r.greedyWasm.prompts)} | ${pct(r.greedyNode.identical, r.greedyNode.prompts)} |`),
    '',
    '## Weight forms: held-out perplexity and size (wasm)',
    '',
    '"head tied": the LM head that the exporter wrote as a transposed copy of the token embedding reads the table',
    'itself (packages/compress/src/pipeline/tieTransposedWeights.ts, part of every `pare compress`). int4-weights packs',
    'the embedding tables in 4 bits too (com.microsoft GatherBlockQuantized; a tied head reads the same bytes through',
    'MatMulNBits: packages/compress/src/quantize/embeddingInt4.ts); "int8 tables" is the earlier form, tables int8 per row.',
    '',
    '| model | form | bytes | of fp32 bytes | perplexity | × fp32 perplexity | × fp32, onnxruntime-node | next-token top-1 agreement |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...results.flatMap((r) => r.forms.map((f) => `| ${r.name} | ${f.form} | ${kib(f.bytes)} | ${f.sizeRatio.toFixed(3)} | ${f.ppl.toFixed(2)} | ${f.ratio.toFixed(4)} | ${f.nodeRatio.toFixed(4)} | ${(f.top1 * 100).toFixed(2)}% |`)),
    '',
    `## Cached decoding against recomputing, at ${results[0]?.context ?? 128} tokens of context (wasm)`,
    '',
    '| model | ms per token, cached | ms per token, recomputed | speed-up |',
    '|---|---:|---:|---:|',
    ...results.map((r) => `| ${r.name} | ${r.cachedMs.toFixed(3)} | ${r.recomputeMs.toFixed(3)} | ${(r.recomputeMs / r.cachedMs).toFixed(1)}× |`),
    '',
    `## Tokens per second, greedy, ${results[0]?.tokens ?? 32} new tokens, same model and prompts`,
    '',
    '| model | workerd (edge, over HTTP) | onnxruntime-web in Node | onnxruntime-node | transformers.js in Node | workerd / web | workerd / transformers.js |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) => {
      const w = 'error' in r.workerd ? undefined : r.workerd.tokensPerSecond;
      const t = 'error' in r.tjs ? undefined : r.tjs.tokensPerSecond;
      return `| ${r.name} | ${tps(r.workerd)} | ${r.webTps.toFixed(1)} | ${r.nodeTps.toFixed(1)} | ${tps(r.tjs)} | ${w ? (w / r.webTps).toFixed(2) : '–'} | ${w && t ? (w / t).toFixed(2) : '–'} |`;
    }),
    '',
    'workerd is timed once its isolate is warm (bench/lm/edgeGeneration.ts warmUp): a fresh isolate runs onnxruntime\'s',
    'wasm kernels in V8\'s baseline tier and compiles the hot ones optimised in the background, so its first generations',
    'decode several times slower. The warm-up generated for at least 15 s and 100 requests, then until the answers\' own decode rate stopped rising:',
    '',
    '| model | warm-up requests | warm-up seconds | decode tokens/s, first 10 requests | decode tokens/s, last 10 |',
    '|---|---:|---:|---:|---:|',
    ...results.map((r) => ('error' in r.workerd ? `| ${r.name} | failed | | | |` : `| ${r.name} | ${r.workerd.warmUp.requests} | ${r.workerd.warmUp.seconds.toFixed(1)} | ${r.workerd.warmUp.firstRate.toFixed(0)} | ${r.workerd.warmUp.lastRate.toFixed(0)} |`)),
    '',
    '## Time to first token, warm isolate (workerd, the answer\'s own timings; means over the requests)',
    '',
    '| model | prompt tokens | tokenize ms | prefill ms | first step ms | first token ms |',
    '|---|---:|---:|---:|---:|---:|',
    ...results.map((r) => ('error' in r.workerd ? `| ${r.name} | failed: ${r.workerd.error} | | | | |` : `| ${r.name} | ${r.workerd.ttft.promptTokens} | ${r.workerd.ttft.tokenizeMs.toFixed(2)} | ${r.workerd.ttft.prefillMs.toFixed(2)} | ${r.workerd.ttft.firstStepMs.toFixed(2)} | ${r.workerd.ttft.firstTokenMs.toFixed(2)} |`)),
    '',
    'Local workerd\'s clock advances during computation (production Workers advance it only at I/O), so these in-isolate',
    'figures are local measurements; "first token" is from the request\'s start of generation to the first token picked',
    '(tokenize + prefill + sampling), "first step" the run that feeds that token back.',
    '',
  ];
  return `${lines.join('\n')}\n`;
}
