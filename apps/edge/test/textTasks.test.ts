// Every text task through the worker: embeddings (Pare's route and the OpenAI shape), token classification
// with character offsets, truncation stated in the answer, metrics for each task, and the deploy rules that
// keep one task per model and a tokenizer.json only where the manifest names one.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, deployFixture, eventually, fixtureBytes, fixtureManifest, postJson, variantForm } from './helpers';

const EMBED = 'embed-model';
const NER = 'ner-model';
const TEXT = 'tasks-text';

async function json(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

const norm = (v: number[]) => v.map((x) => x / Math.hypot(...v));

beforeAll(async () => {
  await deployFixture('embedder', EMBED, 'v1');
  await deployFixture('ner', NER, 'v1');
  await deployFixture('text', TEXT, 'v1');
});

describe('POST /v1/models/:model/embed', () => {
  it('answers one mean-pooled, normalised vector per text, with its dimensions', async () => {
    const response = await postJson(`/v1/models/${EMBED}/embed`, { texts: ['John in', 'Paris'] });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-pare-variant')).toBe('v1');
    expect(response.headers.get('server-timing')).toMatch(/tokenize;dur=[\d.]+, run;dur=[\d.]+/);
    const body = await json(response);
    expect(body.dimensions).toBe(3);
    expect(body.embeddings).toHaveLength(2);
    // Token rows are [i, 1, -i] for vocabulary entry i; the second text's padding is not averaged in.
    body.embeddings[0].forEach((v: number, d: number) => expect(v).toBeCloseTo(norm([11 / 3, 1, -11 / 3])[d]!, 5));
    body.embeddings[1].forEach((v: number, d: number) => expect(v).toBeCloseTo(norm([11 / 2, 1, -11 / 2])[d]!, 5));
    expect(body.truncation).toBeUndefined();
  });

  it('says how a long text was cut', async () => {
    const body = await json(await postJson(`/v1/models/${EMBED}/embed`, { texts: ['paris', 'john '.repeat(40)] }));
    expect(body.truncation).toEqual({ strategy: 'right', maxLength: 16, texts: [1] });
  });

  it('refuses a classifier and a body without texts', async () => {
    const wrong = await postJson(`/v1/models/${TEXT}/embed`, { texts: ['free money'] });
    expect(wrong.status).toBe(400);
    expect((await json(wrong)).error).toMatchObject({ code: 'task_mismatch', message: expect.stringMatching(/text-classification model/) });
    expect((await postJson(`/v1/models/${EMBED}/embed`, { texts: [] })).status).toBe(400);
  });
});

describe('POST /v1/embeddings (OpenAI shape)', () => {
  it('answers the list object with indexes and token usage, for one string or several', async () => {
    const one = await json(await postJson('/v1/embeddings', { model: EMBED, input: 'John in' }));
    expect(one).toMatchObject({ object: 'list', model: EMBED, usage: { prompt_tokens: 3, total_tokens: 3 } });
    expect(one.data).toHaveLength(1);
    expect(one.data[0]).toMatchObject({ object: 'embedding', index: 0 });
    expect(one.data[0].embedding).toHaveLength(3);
    const many = await json(await postJson('/v1/embeddings', { model: EMBED, input: ['john', 'new york'] }));
    expect(many.data.map((d: { index: number }) => d.index)).toEqual([0, 1]);
    expect(many.usage.prompt_tokens).toBe(2 + 3);
  });

  it('answers 400 without a model or input, 404 for an unknown model', async () => {
    expect((await postJson('/v1/embeddings', { input: 'x' })).status).toBe(400);
    expect((await postJson('/v1/embeddings', { model: EMBED })).status).toBe(400);
    expect((await postJson('/v1/embeddings', { model: EMBED, input: 'x', encoding_format: 'int8' })).status).toBe(400);
    expect((await postJson('/v1/embeddings', { model: 'no-such-embedder', input: 'x' })).status).toBe(404);
  });
});

describe('POST /v1/models/:model/predict on a token classifier', () => {
  it('answers entities with character offsets into the text', async () => {
    const body = await json(await postJson(`/v1/models/${NER}/predict`, { text: 'John Smithson lives in New York.' }));
    expect(body.variant).toBe('v1');
    expect(body.entities.map((e: Record<string, unknown>) => [e.entity_group, e.word, e.start, e.end])).toEqual([['PER', 'John Smith', 0, 10], ['LOC', 'New York', 23, 31]]);
    expect(body.entities[0].score).toBeGreaterThan(0.9);
    const batch = await json(await postJson(`/v1/models/${NER}/predict`, { texts: ['paris', 'lives in'] }));
    expect(batch.results).toEqual([{ entities: [expect.objectContaining({ entity_group: 'LOC', word: 'paris', start: 0, end: 5 })] }, { entities: [] }]);
  });

  it('records latency metrics for each task', async () => {
    await postJson(`/v1/models/${NER}/predict`, { text: 'paris' });
    await postJson(`/v1/models/${EMBED}/embed`, { texts: ['paris'] });
    for (const model of [NER, EMBED]) {
      const count = await eventually(async () => {
        const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM inference_events WHERE model = ? AND status = 200').bind(model).first<{ n: number }>();
        return row && row.n > 0 ? row.n : undefined;
      });
      expect(count).toBeGreaterThan(0);
    }
  });
});

describe('deploying text variants', () => {
  it('refuses a variant whose task differs from the model\'s other variants (409)', async () => {
    const manifest = fixtureManifest('embedder', TEXT, 'embedder');
    const response = await admin(`/admin/models/${TEXT}/variants/embedder`, { method: 'PUT', body: variantForm(fixtureBytes('embedder'), manifest) });
    expect(response.status).toBe(409);
    expect((await json(response)).error).toMatchObject({ code: 'task_mismatch', message: expect.stringMatching(/serves text-classification/) });
  });

  it('refuses a tokenizer part when the manifest names no tokenizer.json (422)', async () => {
    const form = variantForm(fixtureBytes('ner'), fixtureManifest('ner', NER, 'with-tokenizer'));
    form.append('tokenizer', new Blob(['{}']), 'tokenizer.json');
    const response = await admin(`/admin/models/${NER}/variants/with-tokenizer`, { method: 'PUT', body: form });
    expect(response.status).toBe(422);
    expect((await json(response)).error.code).toBe('tokenizer_mismatch');
  });

  it('refuses a token classifier whose labels do not match its outputs', async () => {
    const manifest = fixtureManifest('ner', NER, 'bad-labels', { postprocess: { labels: ['O', 'B-PER'], aggregation: 'simple' } });
    const response = await admin(`/admin/models/${NER}/variants/bad-labels`, { method: 'PUT', body: variantForm(fixtureBytes('ner'), manifest) });
    expect(response.status).toBe(422);
    expect((await json(response)).error).toMatchObject({ code: 'manifest_mismatch', message: expect.stringMatching(/5 scores per text but postprocess\.labels lists 2/) });
  });
});
