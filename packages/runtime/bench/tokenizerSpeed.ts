// Tokenization time per text for each fixture tokenizer.json: the library's own encode() (ids only) against
// Pare's HuggingFaceTokenizer (ids, mask, offsets, word ids, truncation) on 128-token rows, in this process.
// Run: npx tsx packages/runtime/bench/tokenizerSpeed.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { HuggingFaceTokenizer } from '../src/text/huggingFaceTokenizer';
import { parseTokenizerJson } from '../src/text/tokenizerJson';

const HF = join(import.meta.dirname, '..', 'test', 'fixtures', 'hf');
const texts = (JSON.parse(readFileSync(join(HF, 'parity', 'texts.json'), 'utf8')) as string[]).filter((t) => t.length >= 400 && t.length <= 1500).slice(0, 200);

function perText(run: (t: string) => unknown): number {
  for (const t of texts) run(t);
  const rounds = 5;
  const start = performance.now();
  for (let r = 0; r < rounds; r++) for (const t of texts) run(t);
  return (performance.now() - start) / (rounds * texts.length);
}

for (const folder of ['distilbert-spam', 'roberta-spam', 'xlmr-email-tags']) {
  const bytes = new Uint8Array(readFileSync(join(HF, folder, 'tokenizer.json')));
  const json = parseTokenizerJson(bytes);
  const library = new Tokenizer(JSON.parse(new TextDecoder().decode(bytes)), {});
  const pare = new HuggingFaceTokenizer(json, { kind: 'huggingface', sha256: '0'.repeat(64), bytes: bytes.byteLength, maxLength: 128, truncation: 'right' });
  const lib = perText((t) => library.encode(t));
  const ours = perText((t) => pare.encode([t]));
  console.log(`${folder.padEnd(16)} ${json.model.type.padEnd(10)} library encode ${lib.toFixed(3)} ms/text   Pare encode (128 tokens, offsets) ${ours.toFixed(3)} ms/text   (${texts.length} texts of 400-1500 chars)`);
}
