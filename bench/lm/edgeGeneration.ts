// An LM fixture on a local edge worker (workerd, the upload `wrangler deploy --dry-run` builds): greedy
// generations through POST /v1/models/:m/generate, timed from outside (tokens per second from the
// difference between an N-token and a 1-token request, as for every runtime in the LM bench) and from
// inside (the answer's own timings: tokenize, prefill, first step, first token).
import { EdgeClient } from '@pare/clients';
import type { LocalWorker } from '../../infra/localEdgeWorker';
import type { LmFolder } from './lmFixtures';
import { median } from './lmFixtures';

export interface EdgeGeneration {
  tokensPerSecond: number;
  /** Before timing: the isolate's decode speed (the answers' own tokens_per_second) until it stopped rising. */
  warmUp: WarmUp;
  /** Means of the answer's timings over the rounds, for the TTFT prompt (workerd's clock ticks in whole ms). */
  ttft: { promptTokens: number; tokenizeMs: number; prefillMs: number; firstStepMs: number; firstTokenMs: number };
}

export interface WarmUp {
  requests: number;
  seconds: number;
  /** Decode tokens/s of the first and of the last warm-up requests (medians of five). */
  firstRate: number;
  lastRate: number;
}

const WARM_MIN_REQUESTS = 20;
const WARM_MAX_MS = 90_000;

/**
 * A fresh isolate decodes several times slower than a warm one for its first seconds: V8 runs onnxruntime's wasm
 * kernels in its baseline tier and compiles the hot ones optimised in the background (on a 2-core machine beside
 * the requests). Generate until the answers' decode rate stops rising (the median of the last five within 3% of
 * the five before), so that the timed rounds measure the steady state Node is measured in.
 */
async function warmUp(generate: (prompt: string, n: number) => Promise<{ body: { timings: Record<string, number> } }>, prompts: readonly string[], tokens: number): Promise<WarmUp> {
  const t0 = performance.now();
  const rates: number[] = [];
  const med5 = (end: number) => median(rates.slice(Math.max(0, end - 5), end));
  for (let i = 0; performance.now() - t0 < WARM_MAX_MS; i++) {
    const { body } = await generate(prompts[i % prompts.length]!, tokens);
    rates.push(body.timings.tokens_per_second ?? 0);
    if (rates.length >= WARM_MIN_REQUESTS && med5(rates.length) <= med5(rates.length - 5) * 1.03) break;
  }
  return { requests: rates.length, seconds: (performance.now() - t0) / 1000, firstRate: med5(5), lastRate: med5(rates.length) };
}

export async function edgeGeneration(worker: LocalWorker, lm: LmFolder, prompts: readonly string[], tokens: number, ttftPrompt: string, rounds: number): Promise<EdgeGeneration> {
  const client = new EdgeClient({ endpoint: worker.url, token: worker.token });
  const model = lm.manifest.model;
  await client.deployVariant({ model, variant: 'fp32', bytes: lm.folder.modelBytes, manifest: lm.manifest, tokenizer: lm.folder.tokenizer.bytes });
  const generate = async (prompt: string, n: number) => {
    const t0 = performance.now();
    const response = await fetch(`${worker.url}/v1/models/${model}/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt, max_new_tokens: n, temperature: 0 }) });
    if (!response.ok) throw new Error(`edge answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as { usage: { completion_tokens: number; prompt_tokens: number }; timings: Record<string, number> };
    return { ms: performance.now() - t0, body };
  };
  const warm = await warmUp(generate, prompts, tokens);
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const p of prompts) {
      const one = await generate(p, 1);
      const many = await generate(p, tokens);
      rates.push((many.body.usage.completion_tokens - 1) / ((many.ms - one.ms) / 1000));
    }
  }
  const t: Array<Record<string, number>> = [];
  let promptTokens = 0;
  for (let r = 0; r < Math.max(8, rounds * 4); r++) {
    const { body } = await generate(ttftPrompt, 2);
    promptTokens = body.usage.prompt_tokens;
    t.push(body.timings);
  }
  const mean = (k: string) => t.reduce((s, x) => s + (x[k] ?? 0), 0) / t.length;
  return { tokensPerSecond: median(rates), warmUp: warm, ttft: { promptTokens, tokenizeMs: mean('tokenize_ms'), prefillMs: mean('prefill_ms'), firstStepMs: mean('first_step_ms'), firstTokenMs: mean('first_token_ms') } };
}
