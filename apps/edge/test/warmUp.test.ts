// A session a request creates: the response's server-timing names each load step, the isolate warms the session
// up on generated inputs of the serving shape after the answer (waitUntil) and lets it go again, and later
// requests are served from the cache without load steps. The app is called directly with an execution context
// so that waitOnExecutionContext waits for the warm-up and cacheSizes() reads the serving module instances.
import { describe, expect, it } from 'vitest';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { parseManifest } from '@pare/runtime';
import { createApp } from '../src/app';
import { cacheSizes } from '../src/cache/cacheSizes';
import { getModelState } from '../src/registry/modelState';
import { manifestOf } from '../src/inference/servingVariant';
import { getSession, releaseSession } from '../src/inference/sessionCache';
import { WARMUP_MAX_TOKENS, WARMUP_RUNS, warmUpFeeds, warmUpSession } from '../src/inference/warmUpSession';
import { deployFixture, MLP_INPUT } from './helpers';

const app = createApp();

async function predict(model: string, body: unknown): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`http://edge.test/v1/models/${model}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const names = (timing: string | null) => (timing ?? '').split(', ').map((entry) => entry.split(';')[0]);

describe('a session created by a request', () => {
  it('reports its load steps in server-timing, is warmed up after the answer and released, and is cached for the next request', async () => {
    await deployFixture('mlp', 'warm-mlp', 'v1', 100);
    const first = await predict('warm-mlp', { inputs: { input: MLP_INPUT } });
    expect(first.status).toBe(200);
    const steps = names(first.headers.get('server-timing'));
    expect(steps.filter((n) => n !== 'init' && n !== 'initwait')).toEqual(['assign', 'fetch', 'verify', 'fold', 'create', 'run', 'receipt', 'queue', 'total']);
    // The warm-up held the session while it ran; once the context is done nothing holds it.
    expect(cacheSizes().heldSessions).toBe(0);
    const second = await predict('warm-mlp', { inputs: { input: MLP_INPUT } });
    expect(names(second.headers.get('server-timing'))).toEqual(['assign', 'run', 'receipt', 'queue', 'total']);
  });

  it('warms up a text variant on one row of the tokenizer\'s full length, a tensor variant on generated tensors', async () => {
    await deployFixture('text', 'warm-text', 'v1', 100);
    const state = await getModelState(env, 'warm-text');
    const row = state.variants.get('v1')!;
    const manifest = manifestOf(row);
    const feeds = warmUpFeeds(manifest);
    const maxLength = manifest.preprocess!.tokenizer.maxLength;
    expect(maxLength).toBeLessThanOrEqual(WARMUP_MAX_TOKENS);
    for (const t of Object.values(feeds)) expect(t.dims).toEqual([1, maxLength]);
    // A longer maxLength (a hashed n-gram bag's 4,096 ids) is warmed on a shorter text, not tokenized in full.
    const bag = parseManifest({
      ...manifest, inputs: [{ name: 'input_ids', dtype: 'int64', shape: ['batch', 'length'] }, { name: 'attention_mask', dtype: 'int64', shape: ['batch', 'length'] }],
      preprocess: { tokenizer: { kind: 'hashed-ngrams', buckets: 1024, maxLength: 4096 }, idsInput: 'input_ids', maskInput: 'attention_mask' },
    });
    const rows = Object.values(warmUpFeeds(bag)).map((t) => t.dims[1]!);
    // WARMUP_MAX_TOKENS words: a unigram and a bigram id each.
    expect(rows).toEqual([2 * WARMUP_MAX_TOKENS - 1, 2 * WARMUP_MAX_TOKENS - 1]);
    const { session } = await getSession(env.MODELS, { model: 'warm-text', variant: 'v1', sha256: row.sha256, r2Key: row.r2Key });
    try {
      const warm = await warmUpSession({ manifest, session, sha256: row.sha256 });
      expect(warm.runs).toHaveLength(WARMUP_RUNS);
      // Only a text-generation variant decodes after the full-length runs.
      expect(warm.decodedTokens).toBe(0);
    } finally {
      releaseSession(session);
    }
  });
});
