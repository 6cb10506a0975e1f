import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadTextTokenizer, type Manifest } from '@pare/runtime';
import { readModelFolder } from '@pare/runtime/folder';
import { variantManifest } from '@pare/runtime/manifest-builder';
import { loadSpamAssassin } from '../src/data/spamAssassin';
import { distillTexts } from '../src/distillTexts';
import { measureLatencies, type LatencyInput } from './wasmLatency';

// `npm run bench -- --only distill-hf`: a bag student distilled from a Hugging Face folder teacher (the DistilBERT
// spam fixture of packages/runtime/test/fixtures/hf) on "user texts" given as a JSONL file, as `pare distill --data
// texts.jsonl --teacher <folder> --student bag` runs it: its label agreement with the teacher on the held-out tenth
// of the texts it never trained on, and both models' latency in onnxruntime-web (wasm, one thread) on one text.
// The texts are the SpamAssassin mails cleaned as a mail filter does, labels left out: the teacher labels them.
// Writes bench-results/distill-hf.md.

const { values: args } = parseArgs({ options: { out: { type: 'string' }, limit: { type: 'string' } } });
const root = resolve(import.meta.dirname, '../../..');
const outFile = resolve(args.out ?? join(root, 'bench-results/distill-hf.md'));
const limit = args.limit === undefined ? undefined : Number(args.limit);
const started = performance.now();
const log = (msg: string) => process.stderr.write(`[distill-hf ${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s] ${msg}\n`);

const folderPath = join(root, 'packages/runtime/test/fixtures/hf/distilbert-spam');
const folder = await readModelFolder(folderPath);
const teacherManifest = folder.manifest ?? (await variantManifest(folder.modelBytes, { model: 'teacher', variant: 'teacher', ...folder.fields }, folder.model));
const work = mkdtempSync(join(tmpdir(), 'pare-distill-hf-'));
const data = join(work, 'texts.jsonl');
const mails = loadSpamAssassin({ seed: 1, text: 'mail' });
const texts = [...mails.train, ...mails.val, ...mails.test].slice(0, limit).map((e) => e.text);
writeFileSync(data, texts.map((text) => JSON.stringify({ text })).join('\n') + '\n');

try {
  // Both feature kinds of the bag student from the same teacher outputs (the second run reads them from the cache).
  const run = (features: 'teacher-tokens' | 'words') => distillTexts({
    data: { path: data, format: 'jsonl', textField: 'text' },
    teacher: { kind: 'onnx', bytes: folder.modelBytes, manifest: teacherManifest, tokenizerJson: folder.tokenizer.bytes },
    model: 'mail', cacheDir: join(work, 'cache'), student: { features },
    onProgress: (p) => { if (p.step === undefined) log(`${features} ${p.phase}: ${p.message}`); },
  });
  const results = { 'teacher-tokens': await run('teacher-tokens'), words: await run('words') };
  for (const [k, r] of Object.entries(results)) log(`${k}: agreement on the held-out texts ${(100 * r.teacherAgreement).toFixed(2)}%`);

  // One mail of median length, each model reading it with its own tokenizer.
  const held = mails.test.map((e) => e.text);
  const text = [...held].sort((a, b) => a.length - b.length)[Math.floor(held.length / 2)]!;
  const feed = async (manifest: Manifest, tokenizerJson?: Uint8Array): Promise<LatencyInput & { tokenizeMs: number }> => {
    const tokenizer = await loadTextTokenizer(manifest, tokenizerJson);
    // As the edge tokenizes for text classification: no offsets (runtime's taskRegistry.ts).
    for (let i = 0; i < 50; i++) tokenizer.encode([text], { offsets: false });
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) tokenizer.encode([text], { offsets: false });
    const tokenizeMs = (performance.now() - t0) / 200;
    const e = tokenizer.encode([text]);
    return { ids: Array.from(e.ids, Number), mask: Array.from(e.attentionMask, Number), maxLength: e.dims[1], tokenizeMs };
  };
  const teacherFeed = await feed(teacherManifest, folder.tokenizer.bytes);
  const tokensFeed = await feed(results['teacher-tokens'].student.manifest, results['teacher-tokens'].tokenizerJson);
  const wordsFeed = await feed(results.words.student.manifest);
  const latency = await measureLatencies([
    { name: 'teacher', bytes: folder.modelBytes, input: teacherFeed },
    { name: 'teacher-tokens', bytes: results['teacher-tokens'].student.bytes, input: tokensFeed },
    { name: 'words', bytes: results.words.student.bytes, input: wordsFeed },
  ], teacherFeed, { rounds: 10, runsPerRound: 20 });
  const seconds = (performance.now() - started) / 1000;
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const d = results['teacher-tokens'].dataset;
  const total = (name: 'teacher' | 'teacher-tokens' | 'words', f: { tokenizeMs: number }) => latency[name]!.medianMs + f.tokenizeMs;
  const row = (name: 'teacher-tokens' | 'words', label: string, f: { tokenizeMs: number }) => {
    const r = results[name];
    return `| ${label} | ${pct(r.teacherAgreement)} | ${r.bag.ece.calibrated.toFixed(3)} | ${(r.student.bytes.byteLength / 1024).toFixed(0)} KiB | ${f.tokenizeMs.toFixed(3)} | ${latency[name]!.medianMs.toFixed(3)} | ${(total('teacher', teacherFeed) / total(name, f)).toFixed(1)}x |`;
  };
  const spec = (name: 'teacher-tokens' | 'words') => `${results[name].bag.buckets} x ${results[name].bag.dim}`;
  const md = [
    '# A bag student from a Hugging Face teacher, on your own texts',
    '',
    `Reproduce: \`npm run bench -- --only distill-hf\` (\`npx tsx packages/distill/bench/hfStudentBench.ts\`; ${seconds.toFixed(0)} s on 2 shared CPU cores, Node 20). ` +
      `Teacher: the Hugging Face folder \`packages/runtime/test/fixtures/hf/distilbert-spam\` (DistilBERT, 2 layers, dim 64, its own tokenizer.json, 128-token window). ` +
      `User texts: ${d.rows} SpamAssassin mails cleaned as a mail filter does, as one JSONL file without labels (${d.duplicatesRemoved} duplicates dropped); ` +
      `the student trains on ${d.train}, stops early on ${d.val} and is measured on the ${d.test} held-out texts (split by a hash of each text). ` +
      `Students, both distilled as \`pare distill --data texts.jsonl --teacher <folder> --student bag\` does from the same cached teacher outputs and temperature-scaled on validation: ` +
      `over the teacher's own tokens (the default: hashed unigrams and bigrams of the teacher tokenizer's ids in its window, ${spec('teacher-tokens')}; the variant carries the teacher's tokenizer.json) and over hashed word 1-2 grams of the whole text (${spec('words')}). ` +
      'Latency: one mail of median length from the corpus test split, each model with its own tokenizer (tokenize: in Node, per text, without offsets as the edge tokenizes for classification) and onnxruntime-web wasm, one thread (run).',
    '',
    '| model | held-out label agreement with the teacher | calibration error vs the teacher | size | tokenize ms | run ms | speed vs teacher (tokenize + run) |',
    '|---|---|---|---|---|---|---|',
    `| teacher (Hugging Face folder) | – | – | ${(folder.modelBytes.byteLength / 1024).toFixed(0)} KiB | ${teacherFeed.tokenizeMs.toFixed(3)} | ${latency.teacher!.medianMs.toFixed(3)} | 1.0x |`,
    row('teacher-tokens', "bag student over the teacher's tokens (default)", tokensFeed),
    row('words', 'bag student over words', wordsFeed),
    '',
    "Target: agreement ≥ 97% at ≥ 10x the teacher's speed. The student over the teacher's tokens sees what the teacher saw (its pieces, cut at its window); the one over words reads the whole text, also the part beyond the teacher's window that the teacher never read.",
    '',
  ].join('\n');
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, md);
  log(`wrote ${outFile}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
