// Per-isolate caches stay bounded: unknown model names leave nothing behind, and a session evicted under
// the memory budget while a request holds it still serves that request. The app is called directly (not
// through SELF) so that cacheSizes() reads the same module instances that serve the requests.
import { describe, expect, it } from 'vitest';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { createApp } from '../src/app';
import { cacheSizes } from '../src/cache/cacheSizes';
import { applySessionBudget } from '../src/inference/sessionCache';
import { servedModel } from '@pare/runtime';
import { deployFixture, fixtureBytes, MLP_INPUT } from './helpers';

const app = createApp();

async function fetchApp(request: Request, withEnv: Cloudflare.Env = env): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(request, withEnv, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

function predictRequest(model: string, body: BodyInit): Request {
  return new Request(`http://edge.test/v1/models/${model}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('per-isolate caches', () => {
  it('stay the same size after 1,000 requests for distinct unknown model names, long ones refused before any lookup', async () => {
    await deployFixture('mlp', 'bounded-known', 'v1', 100);
    expect((await fetchApp(predictRequest('bounded-known', JSON.stringify({ inputs: { input: MLP_INPUT } })))).status).toBe(200);
    const before = cacheSizes();
    const body = JSON.stringify({ inputs: { input: MLP_INPUT } });
    for (let i = 0; i < 1000; i++) {
      const long = i % 2 === 1;
      const name = long ? `m${i}-${'x'.repeat(30_000)}` : `unknown-${i}`;
      const request =
        i % 4 < 2 ? predictRequest(name, body) : i % 4 === 2 ? new Request(`http://edge.test/v1/models/${name}/stats`) : new Request(`http://edge.test/v2/models/${name}`);
      const response = await fetchApp(request);
      expect(response.status).toBe(404);
      const text = await response.text();
      expect(text.length).toBeLessThan(400); // the 30 KB name is not echoed back
    }
    expect(cacheSizes()).toEqual(before);
    expect(before.modelStates).toBeLessThanOrEqual(256);
    expect(before.heldSessions).toBe(0);
  }, 180_000);

  it('finishes a request with 200 when its session is evicted while the request holds it', async () => {
    await deployFixture('mlp', 'evict-held', 'v1', 100);
    await deployFixture('mlpSmall', 'evict-other', 'v1', 100);
    const json = JSON.stringify({ inputs: { input: MLP_INPUT } });
    expect((await fetchApp(predictRequest('evict-held', json))).status).toBe(200);
    // A one-byte budget: loading any other session evicts every session but the newest.
    const tinyBudget = { ...env, SESSION_CACHE_BYTES: '1' };
    try {
      const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
      const held = fetchApp(predictRequest('evict-held', readable), tinyBudget);
      // The request has its (cached) session and now waits for its body.
      await until(() => cacheSizes().heldSessions === 1);
      expect((await fetchApp(predictRequest('evict-other', json), tinyBudget)).status).toBe(200);
      expect(cacheSizes()).toMatchObject({ sessions: 1, heldSessions: 1, sessionsAwaitingRelease: 1 });

      const writer = writable.getWriter();
      void writer.write(new TextEncoder().encode(json));
      void writer.close();
      const response = await held;
      expect(response.status).toBe(200);
      expect(((await response.json()) as { outputs: { logits: unknown } }).outputs.logits).toBeDefined();
      expect(cacheSizes()).toMatchObject({ sessions: 1, heldSessions: 0, sessionsAwaitingRelease: 0 });
      // The evicted model loads again on its next request.
      expect((await fetchApp(predictRequest('evict-held', json), tinyBudget)).status).toBe(200);
    } finally {
      applySessionBudget(env);
    }
  });

  it('serves a weight-only int8 variant folded to fp32 weights, and counts the folded size against the budget', async () => {
    await deployFixture('mlpInt8Weights', 'int8-folded', 'v1', 100);
    const before = cacheSizes().sessionBytes;
    const response = await fetchApp(predictRequest('int8-folded', JSON.stringify({ inputs: { input: MLP_INPUT } })));
    expect(response.status).toBe(200);
    expect(response.headers.get('server-timing')).toMatch(/fold;dur=[\d.]+/);
    // input · (q · scale), the DequantizeLinear computed once at load.
    const q = Int8Array.from({ length: 32 }, (_, i) => ((i * 37) % 255) - 127);
    const expected = [0, 1, 2, 3].map((n) => MLP_INPUT[0]!.reduce((sum, x, k) => sum + x * q[k * 4 + n]! * [0.01, 0.02, 0.03, 0.04][n]!, 0));
    const logits = ((await response.json()) as { outputs: { logits: { data: number[][] } } }).outputs.logits.data[0]!;
    logits.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
    const served = servedModel(fixtureBytes('mlpInt8Weights'));
    expect(served.folded).toBe(1);
    expect(cacheSizes().sessionBytes - before).toBe(served.bytes.byteLength * 2);
  });
});
