// An LM fixture on a local edge worker (workerd, the upload `wrangler deploy --dry-run` builds): greedy
// generations through POST /v1/models/:m/generate, timed from outside (tokens per second as for every runtime in
// the LM bench, tokenRates.ts) once the isolate is warm, and from inside (the answer's own timings: tokenize,
// prefill, first step, first token).
import { EdgeClient } from '@pare/clients';
import type { LocalWorker } from '../../infra/localEdgeWorker';
import type { LmFolder } from './lmFixtures';
import { median } from './lmFixtures';
import type { TokenRater } from './tokenRates';

/** The answer's own timings for a prompt, means over requests (workerd's clock ticks in whole ms). */
export interface Ttft {
  promptTokens: number;
  tokenizeMs: number;
  prefillMs: number;
  firstStepMs: number;
  firstTokenMs: number;
}

export interface EdgeGeneration {
  tokensPerSecond: number;
  /** Before timing: the isolate's decode speed (the answers' own tokens_per_second) until it stopped rising. */
  warmUp: WarmUp;
  ttft: Ttft;
}

export interface WarmUp {
  requests: number;
  seconds: number;
  /** Decode tokens/s of the first and of the last warm-up requests (medians of ten). */
  firstRate: number;
  lastRate: number;
}

const WARM_MIN_MS = 15_000;
/** At load 7 a fresh isolate's rate sat flat and slow for over 20 requests before it jumped: time alone is not enough. */
const WARM_MIN_REQUESTS = 100;
const WARM_MAX_MS = 90_000;
const WINDOW = 10;

/**
 * A fresh isolate decodes several times slower than a warm one for its first seconds: V8 runs onnxruntime's wasm
 * kernels in its baseline tier and compiles the hot ones optimised in the background (on a 2-core machine beside
 * the requests), and the rate can sit flat for seconds before it jumps. Generate for at least WARM_MIN_MS and
 * WARM_MIN_REQUESTS, then until the answers' decode rate stops rising (the median of the last ten within 5% of the
 * ten before), so that the timed rounds measure the steady state Node is measured in.
 */
async function warmUp(generate: (prompt: string, n: number) => Promise<{ body: { timings: Record<string, number> } }>, prompts: readonly string[], tokens: number): Promise<WarmUp> {
  const t0 = performance.now();
  const rates: number[] = [];
  const window = (end: number) => median(rates.slice(Math.max(0, end - WINDOW), end));
  for (let i = 0; performance.now() - t0 < WARM_MAX_MS; i++) {
    const { body } = await generate(prompts[i % prompts.length]!, tokens);
    rates.push(body.timings.tokens_per_second ?? 0);
    if (performance.now() - t0 >= WARM_MIN_MS && rates.length >= WARM_MIN_REQUESTS && window(rates.length) <= window(rates.length - WINDOW) * 1.05) break;
  }
  return { requests: rates.length, seconds: (performance.now() - t0) / 1000, firstRate: median(rates.slice(0, WINDOW)), lastRate: window(rates.length) };
}

export interface EdgeRater extends TokenRater {
  warmUp: WarmUp;
  /** Means of the answer's own timings for `prompt` (2 new tokens) over `requests` requests. */
  ttft(prompt: string, requests: number): Promise<Ttft>;
}

/** The fixture deployed on the worker and its isolate warmed (warmUp); then a rater of it (tokenRates.ts). */
export async function edgeRater(worker: LocalWorker, lm: LmFolder, prompts: readonly string[], tokens: number): Promise<EdgeRater> {
  const client = new EdgeClient({ endpoint: worker.url, token: worker.token });
  const model = lm.manifest.model;
  await client.deployVariant({ model, variant: 'fp32', bytes: lm.folder.modelBytes, manifest: lm.manifest, tokenizer: lm.folder.tokenizer.bytes });
  const request = (prompt: string, n: number) => fetch(`${worker.url}/v1/models/${model}/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt, max_new_tokens: n, temperature: 0 }) });
  const generate = async (prompt: string, n: number) => {
    let t0 = performance.now();
    // Local workerd now and then closes a kept-alive connection between requests; such a request fails at once
    // and is sent again on a new connection, timed from then.
    const response = await request(prompt, n).catch(() => {
      t0 = performance.now();
      return request(prompt, n);
    });
    if (!response.ok) throw new Error(`edge answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as { usage: { completion_tokens: number; prompt_tokens: number }; timings: Record<string, number> };
    return { ms: performance.now() - t0, body };
  };
  const warm = await warmUp(generate, prompts, tokens);
  return {
    name: 'workerd',
    warmUp: warm,
    generate: async (prompt, n) => {
      const { ms, body } = await generate(prompt, n);
      return { ms, tokens: body.usage.completion_tokens };
    },
    ttft: async (prompt, requests) => {
      const t: Array<Record<string, number>> = [];
      let promptTokens = 0;
      for (let r = 0; r < requests; r++) {
        const { body } = await generate(prompt, 2);
        promptTokens = body.usage.prompt_tokens;
        t.push(body.timings);
      }
      const mean = (k: string) => t.reduce((s, x) => s + (x[k] ?? 0), 0) / t.length;
      return { promptTokens, tokenizeMs: mean('tokenize_ms'), prefillMs: mean('prefill_ms'), firstStepMs: mean('first_step_ms'), firstTokenMs: mean('first_token_ms') };
    },
  };
}
