// Raw text → the fixture folder's tokenizer.json → its ONNX graph in onnxruntime-node gives what the Python
// pipeline recorded (expected.json): the logits of every text classifier, the embeddings of the
// sentence-embedding model (through the task registry's pooling) and the entities of the token classifier.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelFolder } from '../../src/folder';
import { parseManifest } from '../../src/manifest';
import { HuggingFaceTokenizer } from '../../src/text/huggingFaceTokenizer';
import { feedsFromBatch } from '../../src/textFeeds';
import { nodeBackend } from '../../src/node';
import { runTextTask, type TokenEntities } from '../../src/tasks/taskRegistry';
import type { ModelFolder } from '../../src/folder';
import { fixtureJson, HF_FIXTURES } from './hfFixtures';

interface Expected { outputs: Array<{ text: string; logits: number[] }> }

/** A manifest for a folder as it stands (hash and size do not matter here). */
const manifestOf = (name: string, folder: ModelFolder) => parseManifest({
  model: name, variant: 'fp32', sha256: '0'.repeat(64), bytes: 1,
  inputs: folder.inputs.map((i) => ({ ...i, shape: i.shape ?? [] })), outputs: folder.outputs.map((o) => ({ ...o, shape: o.shape ?? [] })), ...folder.fields,
});
const BATCH = 16;
const classifiers = ['distilbert-spam', 'roberta-spam', 'xlmr-email-tags'].filter((n) => existsSync(join(HF_FIXTURES, n, 'expected.json')));

describe.each(classifiers)('%s', (name) => {
  it('reproduces the Python logits from raw text', async () => {
    const folder = await readModelFolder(join(HF_FIXTURES, name));
    const manifest = manifestOf(name, folder);
    const tokenizer = new HuggingFaceTokenizer(folder.tokenizer.json, folder.tokenizer.spec);
    const expected = fixtureJson<Expected>(name, 'expected.json').outputs;
    const session = await nodeBackend.createSession(folder.modelBytes);
    let worst = 0;
    let agree = 0;
    try {
      for (let first = 0; first < expected.length; first += BATCH) {
        const rows = expected.slice(first, first + BATCH);
        const out = (await session.run(feedsFromBatch(manifest, tokenizer.encode(rows.map((r) => r.text)))))['logits']!;
        const width = out.data.length / rows.length;
        rows.forEach((r, i) => {
          const logits = Array.from(out.data.slice(i * width, (i + 1) * width) as Float32Array);
          worst = Math.max(worst, ...logits.map((v, k) => Math.abs(v - r.logits[k]!)));
          const argmax = (xs: number[]) => xs.indexOf(Math.max(...xs));
          if (argmax(logits) === argmax(r.logits)) agree++;
        });
      }
    } finally {
      await session.release();
    }
    expect(expected.length).toBeGreaterThanOrEqual(200);
    expect(agree).toBe(expected.length);
    expect(worst).toBeLessThan(1e-3);
  });
});

const has = (name: string) => existsSync(join(HF_FIXTURES, name, 'expected.json'));

describe.runIf(has('bert-embed'))('bert-embed', () => {
  it('gives the embeddings of mean pooling and L2 normalisation (cosine ≥ 0.999 with Python)', async () => {
    const folder = await readModelFolder(join(HF_FIXTURES, 'bert-embed'));
    const manifest = manifestOf('bert-embed', folder);
    const tokenizer = new HuggingFaceTokenizer(folder.tokenizer.json, folder.tokenizer.spec);
    const expected = fixtureJson<{ outputs: Array<{ text: string; embedding: number[] }> }>('bert-embed', 'expected.json').outputs;
    const session = await nodeBackend.createSession(folder.modelBytes);
    let worst = 1;
    try {
      for (let first = 0; first < expected.length; first += BATCH) {
        const rows = expected.slice(first, first + BATCH);
        const { results } = await runTextTask(manifest, tokenizer, session, rows.map((r) => r.text), ['feature-extraction']);
        rows.forEach((r, i) => {
          const [a, b] = [results[i]!, r.embedding];
          const dot = a.reduce((s, v, k) => s + v * b[k]!, 0);
          worst = Math.min(worst, dot / Math.sqrt(a.reduce((s, v) => s + v * v, 0) * b.reduce((s, v) => s + v * v, 0)));
        });
      }
    } finally {
      await session.release();
    }
    expect(worst).toBeGreaterThanOrEqual(0.999);
  });
});

describe.runIf(has('bert-names'))('bert-names', () => {
  it('finds the entities the Python pipeline found (simple aggregation, same character spans)', async () => {
    const folder = await readModelFolder(join(HF_FIXTURES, 'bert-names'));
    const manifest = manifestOf('bert-names', folder);
    const tokenizer = new HuggingFaceTokenizer(folder.tokenizer.json, folder.tokenizer.spec);
    type Entity = { entity_group: string; start: number; end: number };
    const expected = fixtureJson<{ outputs: Array<{ text: string; entities: Entity[] }> }>('bert-names', 'expected.json').outputs;
    const key = (es: ReadonlyArray<Entity | TokenEntities[number]>) => es.map((e) => `${'entity_group' in e ? e.entity_group : e.entity}@${e.start}-${e.end}`).join(' ');
    const session = await nodeBackend.createSession(folder.modelBytes);
    let same = 0;
    try {
      for (let first = 0; first < expected.length; first += BATCH) {
        const rows = expected.slice(first, first + BATCH);
        const { results } = await runTextTask(manifest, tokenizer, session, rows.map((r) => r.text), ['token-classification']);
        rows.forEach((r, i) => { if (key(results[i]!) === key(r.entities)) same++; });
      }
    } finally {
      await session.release();
    }
    expect(expected.some((r) => r.entities.length > 0)).toBe(true);
    expect(same / expected.length).toBeGreaterThanOrEqual(0.99);
  });
});
