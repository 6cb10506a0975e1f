import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init } from '@jax-js/jax';
import { loadTextTokenizer } from '@pare/runtime';
import { readModelFolder } from '@pare/runtime/folder';
import { variantManifest } from '@pare/runtime/manifest-builder';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSpamAssassin } from '../data/spamAssassin';
import { distillTexts } from '../distillTexts';
import { teacherTokenFeatures } from './bagFeatures';
import { initBag } from './bagModel';
import type { LabelledText } from './bagSet';
import { exportBag } from './exportBag';
import { bigramRow, teacherTokenRows, unigramRow } from './teacherTokenFeatures';
import { trainBag } from './trainBag';

// A bag student over the teacher's own tokens: the rows the trainer hashes are the rows the ONNX graph hashes from
// the ids the edge feeds (Hugging Face tokenizers with different padding ids, empty and one-token texts, texts cut
// at the teacher's window), and distillation from a Hugging Face folder gives a variant carrying its tokenizer.json.

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../../runtime/test/fixtures/hf');
const data = loadSpamAssassin({ seed: 1, limit: 120, text: 'mail' });
const odd = ['', 'a', 'Ünïcödé 🚀 — “quotes” and €5', 'word '.repeat(400)];

async function teacherOf(name: string) {
  const folder = await readModelFolder(join(fixtures, name));
  const manifest = folder.manifest ?? (await variantManifest(folder.modelBytes, { model: 'teacher', variant: 'teacher', ...folder.fields }, folder.model));
  return { folder, manifest, reader: await loadTextTokenizer(manifest, folder.tokenizer.bytes) };
}

beforeAll(() => init('wasm'));

describe('teacher-token features', () => {
  it('hash every real token and every adjacent pair, inside the window, into rows 1..buckets-1', async () => {
    const { reader } = await teacherOf('distilbert-spam');
    const [rows] = teacherTokenRows({ buckets: 1000, vocabSize: reader.vocabSize }, reader, ['free money']);
    const batch = reader.encode(['free money'], { offsets: false });
    const ids = Array.from(batch.ids, Number);
    expect(ids.length).toBe(4); // [CLS] free money [SEP]
    expect(rows).toEqual([unigramRow(999, ids[0]!), unigramRow(999, ids[1]!), bigramRow(999, ids[0]!, ids[1]!), unigramRow(999, ids[2]!), bigramRow(999, ids[1]!, ids[2]!), unigramRow(999, ids[3]!), bigramRow(999, ids[2]!, ids[3]!)]);
    const [long] = teacherTokenRows({ buckets: 1000, vocabSize: reader.vocabSize }, reader, ['word '.repeat(400)]);
    expect(long!.length).toBe(2 * reader.maxLength - 1);
    expect(Math.min(...long!)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...long!)).toBeLessThan(1000);
  });

  for (const name of ['distilbert-spam', 'roberta-spam']) {
    it(`give the trainer's logits from raw texts once exported, in node and wasm (${name})`, async () => {
      const { manifest, reader } = await teacherOf(name);
      const features = teacherTokenFeatures({ spec: manifest.preprocess!.tokenizer, reader }, 2048);
      const texts = [...data.test.map((e) => e.text), ...odd];
      const examples: LabelledText[] = texts.map((text, i) => ({ text, label: i % 2, hard: false }));
      const train = features.encode(data.train.map((e) => ({ text: e.text, label: e.label, hard: false })));
      const model = initBag({ buckets: 2048, dim: 8, numLabels: 2 }, 3);
      await trainBag(model, train, { epochs: 2, batchSize: 16, learningRate: 0.02, seed: 3 });
      const exported = await exportBag(model, features.encode(examples), texts, { model: 'mail', variant: 'student', features, temperature: 1.3, provenance: { seed: 3, datasetChecksum: 'test' } });
      expect(exported.onnxMaxAbsDiff!).toBeLessThan(1e-4);
      expect(exported.onnxWebMaxAbsDiff!).toBeLessThan(1e-4);
      // The variant names the teacher's tokenizer, so the edge tokenizes as the teacher does.
      expect(exported.manifest.preprocess?.tokenizer).toEqual(manifest.preprocess!.tokenizer);
      // The empty text is not NaN: a text with no feature gets the zero mean, then the bias.
      expect(Number.isFinite(exported.testLogits[2 * data.test.length]!)).toBe(true);
    });
  }

  it('are what distillation from a Hugging Face folder uses by default, and the result carries tokenizer.json', async () => {
    const { folder, manifest } = await teacherOf('distilbert-spam');
    const dir = mkdtempSync(join(tmpdir(), 'pare-teacher-tokens-'));
    const file = join(dir, 'texts.jsonl');
    const mails = loadSpamAssassin({ seed: 2, limit: 300, text: 'mail' });
    writeFileSync(file, [...mails.train, ...mails.test].map((e) => JSON.stringify({ text: e.text })).join('\n'));
    const r = await distillTexts({ data: { path: file }, teacher: { kind: 'onnx', bytes: folder.modelBytes, manifest, tokenizerJson: folder.tokenizer.bytes }, seed: 2, student: { buckets: 4096, dim: 8, epochs: 8, learningRate: 0.03 } });
    expect(r.bag.features).toBe('teacher-tokens');
    const tokenizer = r.student.manifest.preprocess!.tokenizer;
    expect(tokenizer.kind).toBe('huggingface');
    expect(tokenizer.kind === 'huggingface' && tokenizer.sha256).toBe(createHash('sha256').update(r.tokenizerJson!).digest('hex'));
    expect(r.teacherAgreement).toBeGreaterThan(0.8);
  }, 120_000);
});
