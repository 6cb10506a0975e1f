// Generations' metrics through the real pipeline (onnxruntime-web in workerd, the metrics queue, local D1): each
// generation's event carries its time to first token, tokens and decode tokens/s; the stats JSON, GET /metrics, the
// dashboard and the A/B comparison of two variants read them back. Other tasks' events carry none.
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { createDb, recordInferenceEvents, type InferenceEvent } from '@pare/db';
import { admin, call, dashboardSession, deployFixture, eventually, fixtureBytes, fixtureManifest, MLP_INPUT, postJson, variantForm } from './helpers';

const MODEL = 'gen-metrics';
const PROMPTS = ['The people of the United States', 'Congress shall', 'In the year of our', 'We the people', 'The state of the Union', 'Our nation'];

interface Generated {
  variant: string;
  tokens: number;
  tokensPerSecond: number | undefined;
  firstTokenMs: number;
}

async function deployLm(variant: string, weight?: number): Promise<void> {
  const form = variantForm(fixtureBytes('lmGpt2'), fixtureManifest('lmGpt2', MODEL, variant), weight);
  form.append('tokenizer', new Blob([Uint8Array.from(atob(env.FIXTURES.lmGpt2.tokenizerBase64!), (ch) => ch.charCodeAt(0))]), 'tokenizer.json');
  const response = await admin(`/admin/models/${MODEL}/variants/${variant}`, { method: 'PUT', body: form });
  if (response.status !== 201) throw new Error(`deploy ${MODEL}/${variant} failed: ${response.status} ${await response.text()}`);
}

/** The last `data:` event of a stream (finish_reason, usage, timings). */
async function lastEvent(response: Response): Promise<Record<string, any>> {
  const events = (await response.text()).split('\n\n').filter((e) => e.startsWith('data: '));
  return JSON.parse(events.at(-1)!.slice(6)) as Record<string, any>;
}

async function eventRows(): Promise<Array<{ variant: string; status: number; first_token_ms: number | null; generated_tokens: number | null; tokens_per_second: number | null }>> {
  const rows = await env.DB.prepare('SELECT variant, status, first_token_ms, generated_tokens, tokens_per_second FROM inference_events WHERE model = ? ORDER BY id').bind(MODEL).all();
  return rows.results as never;
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
const generated: Generated[] = [];

beforeAll(async () => {
  await deployLm('fp32');
  await deployLm('copy', 50);
  for (let i = 0; i < 24; i++) {
    const stream = i % 4 === 3;
    const response = await postJson(`/v1/models/${MODEL}/generate`, { prompt: PROMPTS[i % PROMPTS.length], max_new_tokens: 4 + (i % 5), temperature: 0, stream }, { 'x-pare-unit': `g${i}` });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = stream ? await lastEvent(response) : ((await response.json()) as Record<string, any>);
    generated.push({ variant: response.headers.get('x-pare-variant')!, tokens: body.usage.completion_tokens, tokensPerSecond: body.timings.tokens_per_second, firstTokenMs: body.timings.first_token_ms });
  }
  // A scoring request of the same model: served, but not a generation.
  expect((await postJson(`/v1/models/${MODEL}/score`, { texts: ['We the people'] }, { 'x-pare-unit': 'score' })).status).toBe(200);
  await eventually(async () => ((await eventRows()).length >= generated.length + 1 ? true : undefined));
  // At-least-once delivery must not double-count: give redeliveries a moment.
  await new Promise((r) => setTimeout(r, 1500));
}, 120_000);

const byVariant = (variant: string) => generated.filter((g) => g.variant === variant);

describe('generation metrics', () => {
  it('puts time to first token, tokens and tokens/s on each generation\'s event, and nothing on other requests', async () => {
    const rows = await eventRows();
    expect(rows).toHaveLength(generated.length + 1);
    const generations = rows.filter((r) => r.generated_tokens !== null);
    expect(generations).toHaveLength(generated.length);
    expect(rows.filter((r) => r.generated_tokens === null)).toEqual([expect.objectContaining({ first_token_ms: null, tokens_per_second: null, status: 200 })]);
    for (const variant of ['fp32', 'copy']) {
      const mine = generations.filter((r) => r.variant === variant);
      expect(mine).toHaveLength(byVariant(variant).length);
      expect(sum(mine.map((r) => r.generated_tokens!))).toBe(sum(byVariant(variant).map((g) => g.tokens)));
      // The JSON answers' own timings are the figures recorded: the same decode speeds, in some order.
      expect(mine.map((r) => r.tokens_per_second).filter((v) => v !== null).sort()).toEqual(byVariant(variant).map((g) => g.tokensPerSecond).filter((v) => v !== undefined).sort());
    }
    // workerd's clock advances in whole milliseconds (and not at all between I/O in tests), so a first token can
    // read 0 ms: what must hold is that each answer's own figure is the one recorded.
    const numeric = (xs: Array<number | null | undefined>) => xs.map(Number).sort((a, b) => a - b);
    for (const r of generations) expect(r.first_token_ms).toBeGreaterThanOrEqual(0);
    expect(numeric(generations.map((r) => r.first_token_ms))).toEqual(numeric(generated.map((g) => g.firstTokenMs)));
    // Both variants got traffic (the units split them), so the A/B below has two sides.
    expect(byVariant('fp32').length).toBeGreaterThan(2);
    expect(byVariant('copy').length).toBeGreaterThan(2);
  });

  it('folds time to first token into \'ttft\' histograms that count each generation once, with its tokens', async () => {
    const rows = await env.DB.prepare("SELECT variant, sum(count) AS n, sum(tokens) AS tokens FROM latency_histograms WHERE model = ? AND source = 'ttft' GROUP BY variant ORDER BY variant").bind(MODEL).all();
    expect(rows.results).toEqual(['copy', 'fp32'].map((v) => ({ variant: v, n: byVariant(v).length, tokens: sum(byVariant(v).map((g) => g.tokens)) })));
  });

  it('gives TTFT p50/p95, mean tokens/s and mean tokens per request per variant in the stats JSON', async () => {
    const stats = (await (await call(`/v1/models/${MODEL}/stats?window=15m`)).json()) as { variants: Array<{ variant: string; count: number; generation?: Record<string, number | null> }> };
    for (const v of stats.variants) {
      const mine = byVariant(v.variant);
      const rates = mine.map((g) => g.tokensPerSecond).filter((x): x is number => x !== undefined);
      expect(v.generation).toMatchObject({ generations: mine.length, tokensPerRequestMean: expect.closeTo(sum(mine.map((g) => g.tokens)) / mine.length, 9) });
      expect(v.generation!.tokensPerSecondMean).toBeCloseTo(sum(rates) / rates.length, 6);
      expect(v.generation!.ttftP50Ms).toBeGreaterThanOrEqual(0);
      expect(v.generation!.ttftP95Ms).toBeGreaterThanOrEqual(v.generation!.ttftP50Ms!);
    }
  });

  it('exposes the TTFT histogram and the generated-tokens counter in GET /metrics, for generative models only', async () => {
    await deployFixture('mlp', 'not-generative', 'only');
    const text = await (await call('/metrics')).text();
    expect(text).toContain('# TYPE pare_generation_time_to_first_token_seconds histogram');
    expect(text).toContain('# TYPE pare_generated_tokens_total counter');
    for (const v of ['fp32', 'copy']) {
      expect(text).toContain(`pare_generated_tokens_total{model="${MODEL}",variant="${v}"} ${sum(byVariant(v).map((g) => g.tokens))}`);
      expect(text).toContain(`pare_generation_time_to_first_token_seconds_count{model="${MODEL}",variant="${v}"} ${byVariant(v).length}`);
      expect(text).toContain(`pare_generation_time_to_first_token_seconds_bucket{model="${MODEL}",variant="${v}",le="+Inf"} ${byVariant(v).length}`);
    }
    expect(text).not.toMatch(/pare_generat\w+\{model="not-generative"/);
  });

  it('compares the two variants\' TTFT, tokens/s and tokens per request with intervals in the A/B JSON', async () => {
    const ab = (await (await call(`/v1/models/${MODEL}/ab?window=15m&a=fp32&b=copy`)).json()) as Record<string, any>;
    const g = ab.generation;
    expect(g.confidence).toBe(0.95);
    expect(g.ttftMs.n).toEqual({ a: byVariant('fp32').length, b: byVariant('copy').length });
    expect(g.tokensPerRequest.meanA).toBeCloseTo(sum(byVariant('fp32').map((x) => x.tokens)) / byVariant('fp32').length, 9);
    expect(g.tokensPerRequest.meanB).toBeCloseTo(sum(byVariant('copy').map((x) => x.tokens)) / byVariant('copy').length, 9);
    for (const m of [g.ttftMs, g.tokensPerSecond, g.tokensPerRequest]) {
      expect(m.difference.estimate).toBeCloseTo(m.meanB - m.meanA, 9);
      expect(m.difference.lower).toBeLessThanOrEqual(m.difference.estimate);
      expect(m.difference.upper).toBeGreaterThanOrEqual(m.difference.estimate);
      expect(m.relativeChangePct.lower).toBeLessThanOrEqual(m.relativeChangePct.upper);
    }
    expect(g.ttftMs.medianA).toBeGreaterThanOrEqual(0);
    // A model of another task has no generation figures in its comparison.
    await deployFixture('mlpSmall', 'not-generative', 'small', 50);
    await postJson('/v1/models/not-generative/predict', { inputs: { input: MLP_INPUT } });
    expect(((await (await call('/v1/models/not-generative/ab?window=15m')).json()) as Record<string, unknown>).generation).toBeNull();
  });

  it('shows the generation table and the A/B rows on the dashboard', async () => {
    const cookie = await dashboardSession();
    const data = (await (await call('/dashboard/data?window=15m', { headers: { cookie } })).json()) as { models: Array<{ name: string; tableHtml: string; variants: Array<{ name: string; generation: { generations: number } | null }> }> };
    const model = data.models.find((m) => m.name === MODEL)!;
    expect(model.variants.map((v) => [v.name, v.generation?.generations])).toEqual(['copy', 'fp32'].map((v) => [v, byVariant(v).length]));
    expect(model.tableHtml).toContain('<table class="variants generation">');
    expect(data.models.find((m) => m.name === 'not-generative')!.tableHtml).not.toContain('generation');
    const ab = (await (await call(`/dashboard/ab?model=${MODEL}&window=15m`, { headers: { cookie } })).json()) as { generation: unknown };
    expect(ab.generation).not.toBeNull();
  });

  it('counts a redelivered generation event once', async () => {
    const db = createDb(env.DB);
    const event: InferenceEvent = { eventId: 'gen-redelivered', ts: Date.now(), model: 'redelivery', variant: 'v', status: 200, errorCode: null, latencyMs: 3, inputBytes: 10, unitBucket: 1, pinned: false, generation: { firstTokenMs: 2.5, tokens: 7, tokensPerSecond: 120 } };
    await recordInferenceEvents(db, [event]);
    await recordInferenceEvents(db, [event]);
    const row = await env.DB.prepare("SELECT sum(count) AS n, sum(tokens) AS tokens FROM latency_histograms WHERE model = 'redelivery' AND source = 'ttft'").first();
    expect(row).toEqual({ n: 1, tokens: 7 });
    expect(await env.DB.prepare("SELECT first_token_ms, generated_tokens, tokens_per_second FROM inference_events WHERE model = 'redelivery'").all().then((r) => r.results)).toEqual([{ first_token_ms: 2.5, generated_tokens: 7, tokens_per_second: 120 }]);
  });
});
