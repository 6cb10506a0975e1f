// A SentencePiece tokenizer as transformers converts it (Precompiled charsmap normaliser) inside workerd: the
// isolate's tokenizer gives Python's ids on texts outside ASCII (emoji sequences joined by U+200D, byte-order
// marks, accents, CJK), and a variant that carries it answers raw text.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { HuggingFaceTokenizer, parseTokenizerJson } from '@pare/runtime';
import { admin, fixtureBytes, fixtureManifest, postJson, variantForm } from './helpers';

const MODEL = 'spm-text';
const fixture = () => env.FIXTURES.hfUnigram;
const tokenizerBytes = () => Uint8Array.from(atob(fixture().tokenizerBase64!), (ch) => ch.charCodeAt(0));
const samples = () => fixture().expected as Array<{ text: string; ids: number[] }>;

beforeAll(async () => {
  const form = variantForm(fixtureBytes('hfUnigram'), fixtureManifest('hfUnigram', MODEL, 'v1'));
  form.append('tokenizer', new Blob([tokenizerBytes()]), 'tokenizer.json');
  const response = await admin(`/admin/models/${MODEL}/variants/v1`, { method: 'PUT', body: form });
  if (response.status !== 201) throw new Error(`deploy failed: ${response.status} ${await response.text()}`);
});

describe('a converted SentencePiece tokenizer in workerd', () => {
  it('gives the ids of Python tokenizers on texts outside ASCII', () => {
    const tokenizer = new HuggingFaceTokenizer(parseTokenizerJson(tokenizerBytes()), { kind: 'huggingface', sha256: '0'.repeat(64), bytes: 1, maxLength: 100_000, truncation: 'right' });
    expect(samples().length).toBeGreaterThanOrEqual(40);
    expect(samples().some((s) => s.text.includes('\u200d'))).toBe(true);
    const mismatches = samples().filter((s) => Array.from(tokenizer.encode([s.text], { offsets: false }).ids, Number).join() !== s.ids.join());
    expect(mismatches.map((s) => s.text.slice(0, 40))).toEqual([]);
  });

  it('serves raw text through a variant that carries it', async () => {
    const response = await postJson(`/v1/models/${MODEL}/predict`, { texts: samples().slice(0, 8).map((s) => s.text) });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as { results: Array<{ scores: Record<string, number> }> };
    expect(body.results).toHaveLength(8);
    for (const r of body.results) expect(r.scores['ham']! + r.scores['spam']!).toBeCloseTo(1, 5);
  });
});
