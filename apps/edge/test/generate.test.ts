// Decoder LMs through the worker (onnxruntime-web in workerd): POST /v1/models/:m/generate gives the Python model's
// greedy continuations, seeded sampling repeats itself, `stream: true` sends one event per token and a last one
// with finish_reason and usage, the isolate's token cap is stated when it stops a request, a client that goes
// away stops its generation, /v1/completions answers in OpenAI's shape and /score gives the Python likelihoods.
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { activeGenerations } from '../src/inference/generationRun';
import { manifestOf } from '../src/inference/servingVariant';
import { getSession, releaseSession } from '../src/inference/sessionCache';
import { variantTokenizer } from '../src/inference/variantTokenizer';
import { WARMUP_DECODE_TOKENS, warmUpSession } from '../src/inference/warmUpSession';
import { getModelState } from '../src/registry/modelState';
import { admin, call, deployFixture, deployLm, fixtureBytes, fixtureManifest, postJson, variantForm } from './helpers';
import type { Fixtures } from './fixtureTypes';

interface Expected {
  maxNewTokens: number;
  greedy: Array<{ prompt: string; promptIds: number[]; ids: number[]; text: string }>;
  scores: Array<{ text: string; ids: number[]; tokens: number; logLikelihood: number; perplexity: number }>;
}

const expectedOf = (kind: keyof Fixtures) => env.FIXTURES[kind].expected as Expected;
/** The token cap the tests' worker runs with (vitest.config.ts). */
const CAP = 40;


async function json(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

/** The `data:` payloads of an event stream, parsed (a non-JSON payload such as [DONE] stays a string). */
async function events(response: Response): Promise<unknown[]> {
  const text = await response.text();
  return text.split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => {
    const data = e.slice(6);
    try { return JSON.parse(data) as unknown; } catch { return data; }
  });
}

const untilEos = (ids: number[], eos: number) => (ids.includes(eos) ? ids.slice(0, ids.indexOf(eos)) : ids);

beforeAll(async () => {
  await deployLm('lmGpt2', 'gpt2', 'fp32');
  await deployLm('lmGpt2NoCache', 'gpt2-recompute', 'fp32');
  await deployLm('lmLlama', 'llama', 'fp32');
  await deployFixture('text', 'not-an-lm', 'fp32');
});

describe.each([['gpt2', 'lmGpt2', 0], ['llama', 'lmLlama', 2]] as const)('%s at the edge', (model, kind, eos) => {
  it('continues prompts greedily as the Python model did', async () => {
    const expected = expectedOf(kind);
    const prompts = expected.greedy.slice(0, 12);
    let identical = 0;
    for (const g of prompts) {
      const response = await postJson(`/v1/models/${model}/generate`, { prompt: g.prompt, max_new_tokens: expected.maxNewTokens, temperature: 0 });
      expect(response.status, await response.clone().text()).toBe(200);
      const body = await json(response);
      expect(body.usage.prompt_tokens).toBe(g.promptIds.length);
      if (JSON.stringify(body.token_ids) === JSON.stringify(untilEos(g.ids, eos))) {
        identical++;
        expect(body.text).toBe(g.text);
      }
    }
    expect(identical / prompts.length).toBeGreaterThanOrEqual(0.9);
  });

  it('gives the Python log-likelihoods (/score)', async () => {
    const rows = expectedOf(kind).scores.filter((s) => s.ids.length < 128).slice(0, 6);
    const response = await postJson(`/v1/models/${model}/score`, { texts: rows.map((r) => r.text) });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = await json(response);
    body.scores.forEach((s: { log_likelihood: number; tokens: number; perplexity: number }, i: number) => {
      expect(s.tokens).toBe(rows[i]!.tokens);
      expect(Math.abs(s.log_likelihood - rows[i]!.logLikelihood)).toBeLessThan(1e-3 * Math.abs(rows[i]!.logLikelihood));
      expect(s.perplexity / rows[i]!.perplexity).toBeCloseTo(1, 4);
    });
  });
});

describe('generation at the edge', () => {
  const prompt = () => expectedOf('lmGpt2').greedy[0]!.prompt;

  it('recomputes without a cache to the same tokens', async () => {
    const ask = (m: string) => postJson(`/v1/models/${m}/generate`, { prompt: prompt(), max_new_tokens: 16 }).then(json);
    const [cached, recompute] = [await ask('gpt2'), await ask('gpt2-recompute')];
    expect(recompute.token_ids).toEqual(cached.token_ids);
  });

  it('decodes greedy tokens when it warms a new session up', async () => {
    const row = (await getModelState(env, 'gpt2')).variants.get('fp32')!;
    const source = { model: 'gpt2', variant: 'fp32', sha256: row.sha256, r2Key: row.r2Key };
    const manifest = manifestOf(row);
    const [{ session }, tokenizer] = await Promise.all([getSession(env.MODELS, source), variantTokenizer(env.MODELS, source, manifest)]);
    try {
      // No full-length runs, so the whole budget is left for decoding.
      const warm = await warmUpSession({ manifest, session, tokenizer, sha256: row.sha256 }, 0);
      expect(warm.runs).toEqual([]);
      expect(warm.decodedTokens).toBeGreaterThan(0);
      expect(warm.decodedTokens).toBeLessThanOrEqual(WARMUP_DECODE_TOKENS);
    } finally {
      releaseSession(session);
    }
  });

  it('samples reproducibly with a seed and says which seed it drew without one', async () => {
    const ask = (seed?: number) => postJson('/v1/models/gpt2/generate', { prompt: prompt(), max_new_tokens: 20, temperature: 0.9, top_k: 40, top_p: 0.95, ...(seed === undefined ? {} : { seed }) }).then(json);
    const [a, b] = [await ask(11), await ask(11)];
    expect(b.token_ids).toEqual(a.token_ids);
    expect(a.seed).toBe(11);
    const drawn = await ask();
    expect(Number.isInteger(drawn.seed)).toBe(true);
    expect((await ask(drawn.seed)).token_ids).toEqual(drawn.token_ids);
  });

  it('streams one event per token, then finish_reason and usage', async () => {
    const body = { prompt: prompt(), max_new_tokens: 12, temperature: 0 };
    const whole = await postJson('/v1/models/gpt2/generate', body).then(json);
    const response = await postJson('/v1/models/gpt2/generate', { ...body, stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('x-pare-variant')).toBe('fp32');
    const got = (await events(response)) as Array<Record<string, any>>;
    const last = got.at(-1)!;
    const tokens = got.slice(0, -1);
    expect(tokens).toHaveLength(whole.usage.completion_tokens);
    expect(tokens.map((t) => t.token_id)).toEqual(whole.token_ids);
    expect(tokens.map((t) => t.text).join('') + last.text).toBe(whole.text);
    expect(last).toMatchObject({ finish_reason: whole.finish_reason, usage: whole.usage });
    expect(last.timings.prefill_ms).toBeGreaterThanOrEqual(0);
  });

  it('states the token cap when it cut a request', async () => {
    const g = expectedOf('lmGpt2').greedy.find((x) => !x.ids.includes(0))!;
    const body = await postJson('/v1/models/gpt2/generate', { prompt: g.prompt, max_new_tokens: 500, temperature: 0 }).then(json);
    expect(body.usage.completion_tokens).toBeLessThanOrEqual(CAP);
    if (body.finish_reason === 'length') {
      expect(body.usage.completion_tokens).toBe(CAP);
      expect(body.capped_by).toEqual({ limit: 'max_new_tokens', value: CAP });
    }
    const within = await postJson('/v1/models/gpt2/generate', { prompt: g.prompt, max_new_tokens: 5 }).then(json);
    expect(within).toMatchObject({ finish_reason: 'length', usage: { completion_tokens: 5 } });
    expect(within.capped_by).toBeUndefined();
  });

  it('stops a generation whose client went away', async () => {
    const response = await postJson('/v1/models/gpt2/generate', { prompt: prompt(), max_new_tokens: CAP, temperature: 0, stream: true });
    const reader = response.body!.getReader();
    await reader.read();
    expect(activeGenerations()).toBe(1);
    await reader.cancel();
    for (let i = 0; i < 250 && activeGenerations() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(activeGenerations()).toBe(0);
  });

  it('answers /v1/completions in OpenAI\'s shape, streamed or not', async () => {
    const whole = await postJson('/v1/completions', { model: 'gpt2', prompt: prompt(), max_tokens: 8, temperature: 0 }).then(json);
    expect(whole).toMatchObject({ object: 'text_completion', model: 'gpt2', choices: [{ index: 0, finish_reason: 'length' }], usage: { completion_tokens: 8 } });
    expect(whole.usage.total_tokens).toBe(whole.usage.prompt_tokens + 8);
    const streamed = await events(await postJson('/v1/completions', { model: 'gpt2', prompt: prompt(), max_tokens: 8, temperature: 0, stream: true }));
    expect(streamed.at(-1)).toBe('[DONE]');
    const chunks = streamed.slice(0, -1) as Array<{ choices: Array<{ text: string; finish_reason: string | null }>; usage?: unknown }>;
    expect(chunks.map((c) => c.choices[0]!.text).join('')).toBe(whole.choices[0].text);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('length');
    expect(chunks.at(-1)!.usage).toEqual(whole.usage);
  });

  it('stops before a stop string', async () => {
    const g = expectedOf('lmGpt2').greedy.find((x) => x.text.trim().split(' ').length > 3)!;
    const word = g.text.trim().split(' ')[2]!;
    const body = await postJson('/v1/models/gpt2/generate', { prompt: g.prompt, max_new_tokens: 32, temperature: 0, stop: [word] }).then(json);
    expect(body.finish_reason).toBe('stop');
    expect(body.text).toBe(g.text.slice(0, g.text.indexOf(word)));
  });

  it('refuses bad fields by name, and a variant that is not an LM', async () => {
    const bad = await postJson('/v1/models/gpt2/generate', { prompt: 'x', top_p: 2 });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toMatchObject({ code: 'input_invalid', message: expect.stringMatching(/"top_p"/) });
    const noPrompt = await postJson('/v1/models/gpt2/generate', { max_new_tokens: 3 });
    expect(noPrompt.status).toBe(400);
    const classifier = await postJson('/v1/models/not-an-lm/generate', { prompt: 'hello' });
    expect(classifier.status).toBe(400);
    expect((await json(classifier)).error.code).toBe('task_mismatch');
    expect((await call('/')).status).toBe(200);
  });
});
