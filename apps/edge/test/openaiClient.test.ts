// OpenAI's own TypeScript SDK (the `openai` package) against the worker's OpenAI-shaped routes, as users call
// them: completions whole and streamed, embeddings with the SDK's default base64 encoding, errors as APIError.
import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployFixture, deployLm, postJson } from './helpers';

const LM = 'sdk-gpt2';
const EMBED = 'sdk-embedder';
const client = new OpenAI({
  apiKey: 'unused-by-pare-inference-routes',
  baseURL: 'http://edge.test/v1',
  fetch: (url: string | URL | Request, init?: RequestInit) => SELF.fetch(url, init),
  maxRetries: 0,
});
const prompt = () => (env.FIXTURES.lmGpt2.expected as { greedy: Array<{ prompt: string }> }).greedy[0]!.prompt;

beforeAll(async () => {
  await deployLm('lmGpt2', LM, 'fp32');
  const response = await deployFixture('embedder', EMBED, 'v1');
  if (response.status !== 201) throw new Error(`deploy failed: ${response.status}`);
});

describe('the openai SDK', () => {
  it('creates a completion, and the same one streamed chunk by chunk', async () => {
    const whole = await client.completions.create({ model: LM, prompt: prompt(), max_tokens: 8, temperature: 0 });
    expect(whole.object).toBe('text_completion');
    expect(whole.choices[0]!.finish_reason).toBe('length');
    expect(whole.usage!.completion_tokens).toBe(8);
    const stream = await client.completions.create({ model: LM, prompt: prompt(), max_tokens: 8, temperature: 0, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(whole.choices[0]!.text);
  });

  it('gets embeddings in its default base64 encoding and decodes them to the float answer', async () => {
    const input = ['John in', 'Paris'];
    const viaSdk = await client.embeddings.create({ model: EMBED, input });
    const plain = (await (await postJson('/v1/embeddings', { model: EMBED, input })).json()) as { data: Array<{ embedding: number[] }> };
    expect(viaSdk.data).toHaveLength(2);
    viaSdk.data.forEach((d, i) => {
      expect(d.embedding).toHaveLength(plain.data[i]!.embedding.length);
      d.embedding.forEach((v, k) => expect(v).toBeCloseTo(plain.data[i]!.embedding[k]!, 6));
    });
  });

  it('raises APIError with the status and Pare\'s message for an unknown model', async () => {
    const error = await client.completions.create({ model: 'no-such-model', prompt: 'x', max_tokens: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(404);
    expect((error as Error).message).toMatch(/no-such-model/);
  });
});
