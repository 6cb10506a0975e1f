// bench-results/hf.md from one run of bench/hfBench.ts: the issue's targets beside what was measured.
import type { Agreement } from './agreement';
import type { FormResult } from './transformerForms';

export interface FixtureResult {
  name: string;
  task: string;
  texts: number;
  kiB: number;
  agreement: { fp32: Agreement; int8: Agreement; pareNode: Agreement };
  latency: {
    edgeInferMs: number;
    edgeInt8InferMs: number;
    webNodeMs: number;
    /** One request of 32 full-row texts: in-isolate run, and onnxruntime-web in Node on the same batch (medians). */
    edgeBatchRunMs: number;
    webBatchMs: number;
    nodeMs: number;
    pareNodeMs: number;
    transformersJs: { msPerText: number; agreement?: Agreement } | { error: string };
  };
  tokenize: { ms: number; rows: number; maxLength: number };
  forms: FormResult[];
}

const f = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const pct = (a: Agreement) => (a.metric.startsWith('embedding') ? `${f(a.value, 5)} (min ${f(a.worst ?? Number.NaN, 5)})` : `${(a.value * 100).toFixed(1)}%`);

export function renderHfReport(results: FixtureResult[], run: { texts: number; rounds: number; loadBefore: number; loadAfter: number }): string {
  const lines = [
    '# Hugging Face models from raw text',
    '',
    `\`npx tsx bench/hfBench.ts --texts ${run.texts} --rounds ${run.rounds}\` on the fixtures of packages/runtime/test/fixtures/hf (built by`,
    'packages/runtime/scripts/hf_fixtures.py: tiny 2-layer models trained briefly on real text). Every figure comes from the',
    `same run; load average ${run.loadBefore.toFixed(1)} before, ${run.loadAfter.toFixed(1)} after (2 shared cores): absolute milliseconds move with`,
    'the load, ratios taken side by side move less. Latencies are medians per text, batch 1.',
    '',
    '## Agreement with the Python pipeline (raw text in)',
    '',
    'Targets: labels ≥ 99.5% fp32 / ≥ 99% int8; embedding cosine ≥ 0.999 fp32 / ≥ 0.99 int8. The edge answers are the',
    'worker\'s own (`/predict`, `/embed` on local workerd); int8 is `int8-dynamic --per-channel` with int8 embedding tables.',
    '',
    '| model | task | metric | edge fp32 | edge int8 | Pare in Node (fp32) | transformers.js (fp32) |',
    '|---|---|---|---|---|---|---|',
    ...results.map((r) => {
      const t = r.latency.transformersJs;
      const tjs = 'error' in t ? `failed: ${t.error}` : t.agreement ? pct(t.agreement) : 'n/a (no word aggregation)';
      return `| ${r.name} | ${r.task} | ${r.agreement.fp32.metric} | ${pct(r.agreement.fp32)} | ${pct(r.agreement.int8)} | ${pct(r.agreement.pareNode)} | ${tjs} |`;
    }),
    '',
    '## Latency per text',
    '',
    'Target: edge in-worker time / onnxruntime-web in Node ≤ 1.1 (same model, same feeds). "edge run" is the worker\'s',
    '`server-timing: run` (session.run inside the isolate); onnxruntime-web and -node run the same feeds in this process;',
    'the pipelines time tokenize + run + post-process. workerd\'s clock ticks in whole milliseconds, so one text\'s run',
    'is too short to compare: the ratio is taken on requests of 32 full-row texts (one batched run each), the same',
    'batches run by onnxruntime-web in Node.',
    '',
    '| model | KiB | edge run, 32 rows | onnxruntime-web (Node), same batch | edge / ort-web (target ≤ 1.1) | edge run fp32, per text | onnxruntime-web per text | onnxruntime-node per text | edge run int8, per text | Pare pipeline (node) | transformers.js pipeline (node) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...results.map((r) => {
      const l = r.latency;
      const tjs = 'error' in l.transformersJs ? '-' : f(l.transformersJs.msPerText);
      const batch = Number.isFinite(l.edgeBatchRunMs) ? `| ${f(l.edgeBatchRunMs)} | ${f(l.webBatchMs)} | ${f(l.edgeBatchRunMs / l.webBatchMs, 2)} ` : '| - | - | - ';
      return `| ${r.name} | ${r.kiB.toFixed(0)} ${batch}| ${f(l.edgeInferMs)} | ${f(l.webNodeMs)} | ${f(l.nodeMs)} | ${f(l.edgeInt8InferMs)} | ${f(l.pareNodeMs)} | ${tjs} |`;
    }),
    '',
    '## Tokenization in workerd',
    '',
    'Target: ≤ 0.3 ms per 128-token text. `server-timing: tokenize` of requests of 32 texts of one full row each (held-out',
    'texts cut after the last token that fits maxLength; no text tokenized twice, but the isolate has served the uncut texts',
    'before, so their words are known, as in a warm isolate), divided by their number: workerd\'s clock ticks in whole',
    'milliseconds. Classification and embedding requests skip aligning tokens to the text (no offsets are needed).',
    '',
    '| model | maxLength | full rows timed | tokenize ms per text (median) |',
    '|---|---|---|---|',
    ...results.map((r) => `| ${r.name} | ${r.tokenize.maxLength} | ${r.tokenize.rows} | ${f(r.tokenize.ms)} |`),
    '',
    '## Compression forms of the transformer graphs',
    '',
    'Target: int8 / fp32 latency in wasm ≤ 0.6 on a BERT-class model. One full-length text (the longest of the set), wasm',
    'with 1 thread. "fused" lists the operators onnxruntime makes of the graph (its `extended` optimisation, the fusions',
    'the wasm build applies too): a form that keeps LayerNormalization and Gelu/BiasGelu counts keeps those patterns fusable.',
    '',
    '| model | form | KiB | wasm ms | wasm vs fp32 | node ms | cosine to fp32 | fused |',
    '|---|---|---|---|---|---|---|---|',
    ...results.flatMap((r) => {
      const base = r.forms[0]!.wasmMs;
      return r.forms.map((x) => `| ${r.name} | ${x.name} | ${(x.bytes / 1024).toFixed(0)} | ${f(x.wasmMs)} | ${f(x.wasmMs / base, 2)} | ${f(x.nodeMs)} | ${f(x.cosine, 6)} | ${Object.entries(x.fused).map(([k, v]) => `${k} ${v}`).join(', ')} |`);
    }),
    '',
  ];
  return lines.join('\n');
}
