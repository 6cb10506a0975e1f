// `npm run bench [-- --only compress,fit,forms,weight-forms,edge,edge-speed,hf,reliability,cli-start,origin-faults,origin-full-distill,lm,distill-hf]`: run every benchmark of Pare side by side with its baseline,
// each in its own process (wasm heaps stay separate), then gather bench-results/*.md into BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

/** Each benchmark: the command that reproduces it and the result file it (re)writes. */
const BENCHMARKS = [
  { name: 'compress', args: ['bench/compressBench.ts'], result: 'compress.md' },
  { name: 'fit', args: ['bench/fitBench.ts'], result: 'fit.md' },
  { name: 'forms', args: ['packages/compress/bench/benchForms.ts', '--out', 'bench-results/quantize-forms.table.md'], result: 'quantize-forms.md' },
  { name: 'weight-forms', args: ['bench/formsBench.ts'], result: 'weight-forms.md' },
  { name: 'edge', args: ['apps/edge/bench/edgeBench.ts'], result: 'edge.md' },
  { name: 'edge-speed', args: ['bench/edgeSpeedBench.ts'], result: 'edge-speed.md' },
  { name: 'hf', args: ['bench/hfBench.ts'], result: 'hf.md' },
  { name: 'reliability', args: ['bench/reliabilityBench.ts', '--duration', '60'], result: 'reliability.md' },
  { name: 'cli-start', args: ['bench/cliStartBench.ts'], result: 'cli-start.md' },
  { name: 'origin-faults', args: ['apps/origin/bench/originFaults.ts', '--per-kind', '3'], result: 'origin-faults.md' },
  { name: 'origin-full-distill', args: ['apps/origin/bench/fullSplitDistill.ts'], result: 'origin-full-distill.md' },
  { name: 'lm', args: ['bench/lmBench.ts'], result: 'lm.md' },
  { name: 'distill-hf', args: ['packages/distill/bench/hfStudentBench.ts'], result: 'distill-hf.md' },
] as const;

/** Sections of BENCHMARKS.md in reading order; distill-mail.md is written by `npm run models` (a 20-minute training run). */
const SECTIONS = ['compress.md', 'fit.md', 'quantize-forms.md', 'weight-forms.md', 'edge.md', 'edge-speed.md', 'hf.md', 'reliability.md', 'cli-start.md', 'origin-faults.md', 'origin-full-distill.md', 'lm.md', 'distill-mail.md', 'distill-hf.md'];

const { values } = parseArgs({ options: { only: { type: 'string' }, 'collect-only': { type: 'boolean', default: false } } });
const only = values.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((n) => !BENCHMARKS.some((b) => b.name === n)) ?? [];
if (unknown.length) {
  process.stderr.write(`bench: unknown benchmark ${unknown.join(', ')}; choose from ${BENCHMARKS.map((b) => b.name).join(', ')}\n`);
  process.exit(1);
}

let failed = 0;
if (!values['collect-only']) {
  for (const bench of BENCHMARKS.filter((b) => !only || only.includes(b.name))) {
    process.stdout.write(`\n=== bench ${bench.name}: tsx ${bench.args.join(' ')}\n`);
    const started = Date.now();
    const run = spawnSync(tsx, [...bench.args], { cwd: root, stdio: 'inherit' });
    process.stdout.write(`=== bench ${bench.name}: exit ${run.status} after ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    if (run.status !== 0) failed++;
  }
}

const parts = SECTIONS.map((file) => path.join(root, 'bench-results', file)).filter((f) => fs.existsSync(f));
const header = [
  '# Pare benchmarks',
  '',
  'Every figure below was measured on this project\'s machines (2 shared x86-64 cores, no GPU) and is reproduced by',
  '`npm run bench` (compression vs onnxruntime\'s quantizer, the fitter on unseen models, int8 forms in wasm, weight forms as served, the edge worker, edge speed as production sees it, reliability under bad inputs and faults, decoder LMs) or, for the',
  'distillation section, `npm run models`. Each section names its own command; ratios are measured side by side',
  'in one run, absolute milliseconds depend on the machine\'s load.',
  '',
].join('\n');
fs.writeFileSync(path.join(root, 'BENCHMARKS.md'), `${header}\n${parts.map((f) => demoteHeadings(fs.readFileSync(f, 'utf8').trim())).join('\n\n---\n\n')}\n`);
/** Each result file is a document of its own; inside BENCHMARKS.md its headings sit one level lower. */
function demoteHeadings(markdown: string): string {
  return markdown.replace(/^(#{1,5}) /gm, '#$1 ');
}

process.stdout.write(`\nwrote BENCHMARKS.md from ${parts.map((p) => path.basename(p)).join(', ')}\n`);
process.exit(failed ? 1 : 0);
