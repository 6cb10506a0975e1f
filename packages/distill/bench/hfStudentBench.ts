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
  const result = await distillTexts({
    data: { path: data, format: 'jsonl', textField: 'text' },
    teacher: { kind: 'onnx', bytes: folder.modelBytes, manifest: teacherManifest, tokenizerJson: folder.tokenizer.bytes },
    model: 'mail', cacheDir: join(work, 'cache'),
    onProgress: (p) => { if (p.step === undefined) log(`${p.phase}: ${p.message}`); },
  });
  log(`agreement on the held-out texts ${(100 * result.teacherAgreement).toFixed(2)}%`);

  // One mail of median length, each model reading it with its own tokenizer.
  const held = mails.test.map((e) => e.text);
  const text = [...held].sort((a, b) => a.length - b.length)[Math.floor(held.length / 2)]!;
  const feed = async (manifest: Manifest, tokenizerJson?: Uint8Array): Promise<LatencyInput> => {
    const e = (await loadTextTokenizer(manifest, tokenizerJson)).encode([text]);
    return { ids: Array.from(e.ids, Number), mask: Array.from(e.attentionMask, Number), maxLength: e.dims[1] };
  };
  const teacherFeed = await feed(teacherManifest, folder.tokenizer.bytes);
  const latency = await measureLatencies([
    { name: 'teacher', bytes: folder.modelBytes, input: teacherFeed },
    { name: 'student', bytes: result.student.bytes, input: await feed(result.student.manifest) },
  ], teacherFeed, { rounds: 10, runsPerRound: 20 });
  const speedup = latency.teacher!.medianMs / latency.student!.medianMs;
  const seconds = (performance.now() - started) / 1000;
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const d = result.dataset;
  const md = [
    '# A bag student from a Hugging Face teacher, on your own texts',
    '',
    `Reproduce: \`npm run bench -- --only distill-hf\` (\`npx tsx packages/distill/bench/hfStudentBench.ts\`; ${seconds.toFixed(0)} s on 2 shared CPU cores, Node 20). ` +
      `Teacher: the Hugging Face folder \`packages/runtime/test/fixtures/hf/distilbert-spam\` (DistilBERT, 2 layers, dim 64, its own tokenizer.json). ` +
      `User texts: ${d.rows} SpamAssassin mails cleaned as a mail filter does, as one JSONL file without labels (${d.duplicatesRemoved} duplicates dropped); ` +
      `the student trains on ${d.train}, stops early on ${d.val} and is measured on the ${d.test} held-out texts (split by a hash of each text). ` +
      `Student: hashed word 1-2 grams (${result.bag.tokenizer.buckets} x 16), KD from the teacher's outputs, temperature-scaled on validation. Latency: one mail of median length from the corpus test split, onnxruntime-web wasm, one thread, each model with its own tokenizer.`,
    '',
    '| model | held-out label agreement with the teacher | size | wasm ms | speed vs teacher |',
    '|---|---|---|---|---|',
    `| teacher (Hugging Face folder) | – | ${(folder.modelBytes.byteLength / 1024).toFixed(0)} KiB | ${latency.teacher!.medianMs.toFixed(3)} | 1.0x |`,
    `| bag student fp32 | ${pct(result.teacherAgreement)} | ${(result.student.bytes.byteLength / 1024).toFixed(0)} KiB | ${latency.student!.medianMs.toFixed(3)} | ${speedup.toFixed(1)}x |`,
    '',
    `Target: agreement ≥ 97% at ≥ 10x the teacher's speed. Calibration error of the student's scores on the held-out texts (against the teacher's labels): ${result.bag.ece.calibrated.toFixed(3)}.`,
    '',
  ].join('\n');
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, md);
  log(`wrote ${outFile}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
