// Tokenization time per text for each fixture tokenizer.json: the library's own encode() (ids only, whole text)
// against Pare's HuggingFaceTokenizer on 128-token rows, with offsets (token classification) and without
// (classification, embeddings), on a fresh tokenizer (no word seen before) and on one that has seen the texts.
// Process CPU time, not wall time, so that other work on the machine counts less. Median of 5 passes.
// Run: npx tsx packages/runtime/bench/tokenizerSpeed.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { HuggingFaceTokenizer } from '../src/text/huggingFaceTokenizer';
import { parseTokenizerJson } from '../src/text/tokenizerJson';

const HF = join(import.meta.dirname, '..', 'test', 'fixtures', 'hf');
const texts = (JSON.parse(readFileSync(join(HF, 'parity', 'texts.json'), 'utf8')) as string[]).filter((t) => t.length >= 400 && t.length <= 1500).slice(0, 200);

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** CPU ms per text of one pass over the texts, on a tokenizer made by `make` (fresh: its first pass; warm: its second). */
function perText(make: () => (t: string) => unknown, warm: boolean): number {
  const passes: number[] = [];
  for (let p = 0; p < 5; p++) {
    const run = make();
    if (warm) for (const t of texts) run(t);
    const start = cpuMs();
    for (const t of texts) run(t);
    passes.push((cpuMs() - start) / texts.length);
  }
  return median(passes);
}

console.log(`${texts.length} texts of 400-1500 characters, rows of 128 tokens; CPU ms per text (median of 5 passes)`);
console.log('| tokenizer | library encode (fresh / warm) | Pare, offsets (fresh / warm) | Pare, no offsets (fresh / warm) |');
console.log('|---|---|---|---|');
for (const folder of ['distilbert-spam', 'roberta-spam', 'xlmr-email-tags']) {
  const bytes = new Uint8Array(readFileSync(join(HF, folder, 'tokenizer.json')));
  const json = parseTokenizerJson(bytes);
  const spec = { kind: 'huggingface' as const, sha256: '0'.repeat(64), bytes: bytes.byteLength, maxLength: 128, truncation: 'right' as const };
  const library = () => {
    const tk = new Tokenizer(JSON.parse(new TextDecoder().decode(bytes)), {});
    return (t: string) => tk.encode(t);
  };
  const pare = (offsets: boolean) => () => {
    const tk = new HuggingFaceTokenizer(json, spec);
    return (t: string) => tk.encode([t], { offsets });
  };
  const cell = (make: () => (t: string) => unknown) => `${perText(make, false).toFixed(3)} / ${perText(make, true).toFixed(3)}`;
  console.log(`| ${folder} (${json.model.type}) | ${cell(library)} | ${cell(pare(true))} | ${cell(pare(false))} |`);
}
