import { describe, expect, it } from 'vitest';
import type { Manifest } from '@pare/runtime';
import { parseGenerationRequest } from './generationRequest';

const manifest = { task: 'text-generation', model: 'lm', variant: 'v1', generation: { defaults: { temperature: 0.5 } } } as unknown as Manifest;
const caps = { maxNewTokens: 40, maxMs: 1000 };

function refusal(body: Record<string, unknown>, prompt: unknown = 'p'): { message: string; field: unknown } {
  try {
    parseGenerationRequest(body, manifest, caps, { maxNewTokens: 'max_new_tokens' in body ? 'max_new_tokens' : 'max_tokens' }, prompt);
  } catch (e) {
    return { message: (e as Error).message, field: (e as { details?: { field?: unknown } }).details?.field };
  }
  throw new Error('accepted');
}

describe('parseGenerationRequest', () => {
  it('takes the manifest defaults for fields left out or null, and caps the tokens', () => {
    const request = parseGenerationRequest({ max_tokens: 100, temperature: null, top_p: 0.5, stop: 'x', seed: 3 }, manifest, caps, { maxNewTokens: 'max_tokens' }, 'hi');
    expect(request).toEqual({ prompt: 'hi', options: { maxNewTokens: 40, temperature: 0.5, topK: 0, topP: 0.5, seed: 3, stop: ['x'] }, stream: false, seed: 3, tokensCapped: true });
  });

  it('names the first wrong field, spelled as the route spells it', () => {
    expect(refusal({}, 5)).toEqual({ message: '"prompt" must be a string.', field: 'prompt' });
    expect(refusal({ max_tokens: 0 })).toEqual({ message: '"max_tokens" must be an integer ≥ 1.', field: 'max_tokens' });
    expect(refusal({ max_new_tokens: 1.5 }).message).toBe('"max_new_tokens" must be an integer ≥ 1.');
    expect(refusal({ temperature: 11 }).message).toBe('"temperature" must be a number from 0 to 10.');
    expect(refusal({ top_k: -1 }).message).toBe('"top_k" must be an integer ≥ 0 (0: no cut).');
    expect(refusal({ top_p: 0 }).message).toBe('"top_p" must be a number in (0, 1].');
    expect(refusal({ seed: 2 ** 32 }).message).toBe('"seed" must be an integer from 0 to 2^32 - 1.');
    expect(refusal({ stream: 'yes' }).message).toBe('"stream" must be true or false.');
    for (const stop of [5, ['', 'a'], ['a', 'b', 'c', 'd', 'e'], ['x'.repeat(65)]]) {
      expect(refusal({ stop }).message).toBe('"stop" must be a string or up to 4 strings, each 1 to 64 characters.');
    }
    expect(refusal({ temperature: 'x', stop: 5 }).message).toBe('"temperature" must be a number from 0 to 10.');
  });
});
