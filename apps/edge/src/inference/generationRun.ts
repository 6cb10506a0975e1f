// One generation request on its serving variant, answered as JSON or, with `stream: true`, as server-sent
// events: one `data:` event per token, then a last one with finish_reason and usage. The stream is pulled:
// a token is made when the client reads, and a client that goes away cancels the stream, which stops the
// generation at the next token (its session is held until then, see sessionCache.ts heldDuring). The
// request's own signal stops a JSON answer the same way. A configured cap that stopped a generation is stated.
import type { Context } from 'hono';
import { isPareError } from '@pare/errors';
import type { GenerationFigures } from '@pare/db';
import { generateTokens, type GenerationResult, type TokenEvent } from '@pare/runtime';
import type { AppContext } from '../env';
import type { GenerationCaps, GenerationRequest } from './generationRequest';
import type { InferenceResult } from './serveInference';
import type { ServingVariant } from './servingVariant';

export interface CappedBy {
  limit: 'max_new_tokens' | 'max_generation_ms';
  value: number;
}

/** How a route spells its answer (Pare's own shape, OpenAI's completions). */
export interface GenerationShape {
  token(event: TokenEvent, index: number): unknown;
  /** The last event of a stream. */
  last(result: GenerationResult, cappedBy: CappedBy | undefined): unknown;
  /** The whole answer as JSON. */
  body(result: GenerationResult, cappedBy: CappedBy | undefined): unknown;
  /** A line sent after the last event (OpenAI's `[DONE]`). */
  done?: string;
}

let active = 0;

/** Generations running in this isolate (a cancelled stream leaves this count). */
export function activeGenerations(): number {
  return active;
}

export function cappedBy(request: GenerationRequest, caps: GenerationCaps, result: GenerationResult): CappedBy | undefined {
  if (result.finishReason === 'time_limit') return { limit: 'max_generation_ms', value: caps.maxMs };
  if (result.finishReason === 'length' && request.tokensCapped && result.ids.length >= request.options.maxNewTokens) return { limit: 'max_new_tokens', value: caps.maxNewTokens };
  return undefined;
}

/** Tokens after the first per second after it (the decode speed); null below two tokens or without time between. */
function decodeRate(tokens: number, decodeMs: number): number | null {
  return tokens > 1 && decodeMs > 0 ? (tokens - 1) / (decodeMs / 1000) : null;
}

/** What a generation's metric event carries (time to first token, tokens made, decode tokens/s). */
export function generationFigures(result: GenerationResult): GenerationFigures {
  const t = result.timings;
  return { firstTokenMs: t.firstTokenMs ?? null, tokens: result.ids.length, tokensPerSecond: decodeRate(result.ids.length, t.totalMs - (t.firstTokenMs ?? t.totalMs)) };
}

export function generationTimings(result: GenerationResult): Record<string, number> {
  const t = result.timings;
  const tokensPerSecond = generationFigures(result).tokensPerSecond;
  return {
    tokenize_ms: t.tokenizeMs,
    prefill_ms: t.prefillMs,
    ...(t.firstStepMs !== undefined ? { first_step_ms: t.firstStepMs } : {}),
    ...(t.firstTokenMs !== undefined ? { first_token_ms: t.firstTokenMs } : {}),
    total_ms: t.totalMs,
    ...(tokensPerSecond !== null ? { tokens_per_second: tokensPerSecond } : {}),
  };
}

const encoder = new TextEncoder();
const sse = (value: unknown): Uint8Array => encoder.encode(`data: ${typeof value === 'string' ? value : JSON.stringify(value)}\n\n`);

export async function runGeneration(c: Context<AppContext>, serving: ServingVariant, request: GenerationRequest, caps: GenerationCaps, shape: GenerationShape, inputBytes: number): Promise<InferenceResult> {
  const abort = new AbortController();
  const gen = generateTokens(serving.manifest, serving.tokenizer!, serving.session, request.prompt, request.options, { maxMs: caps.maxMs, signal: abort.signal });
  const signal = c.req.raw.signal as AbortSignal | undefined;
  let finished!: () => void;
  const heldUntil = new Promise<void>((resolve) => { finished = resolve; });
  let ended = false;
  // Once: the count drops, the listener goes, the session is let go and the generator is closed.
  const end = () => {
    if (ended) return;
    ended = true;
    active--;
    abort.abort();
    signal?.removeEventListener('abort', onClientGone);
    finished();
    void gen.return(undefined as never).catch(() => undefined);
  };
  let closeStream: (() => void) | undefined;
  const onClientGone = () => {
    closeStream?.();
    end();
  };
  active++;
  signal?.addEventListener('abort', onClientGone);
  if (!request.stream) {
    try {
      let step = await gen.next();
      while (!step.done) step = await gen.next();
      const result = step.value;
      return { body: shape.body(result, cappedBy(request, caps, result)), inputBytes, inferMs: result.timings.inferMs, tokenizeMs: result.timings.tokenizeMs, generation: generationFigures(result) };
    } finally {
      end();
    }
  }
  // The prompt is encoded and run before the answer starts, so a prompt that is refused is a plain 4xx.
  const startedAt = performance.now();
  let pending: IteratorResult<TokenEvent, GenerationResult> | undefined;
  try {
    pending = await gen.next();
  } catch (e) {
    end();
    throw e;
  }
  // A stream the client left (or that failed) has no result: its figures are what it sent until then.
  const firstAt = performance.now();
  const madeFirst = !pending.done;
  let lastAt = firstAt;
  let last: GenerationResult | undefined;
  let index = 0;
  const generation = heldUntil.then((): GenerationFigures => {
    if (last) return generationFigures(last);
    if (pending?.done) return generationFigures(pending.value);
    return { firstTokenMs: madeFirst ? firstAt - startedAt : null, tokens: index, tokensPerSecond: decodeRate(index, lastAt - firstAt) };
  });
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      closeStream = () => { try { controller.close(); } catch { /* already closed */ } };
    },
    async pull(controller) {
      try {
        const step = pending ?? (await gen.next());
        pending = undefined;
        if (ended) return;
        if (!step.done) {
          controller.enqueue(sse(shape.token(step.value, index++)));
          lastAt = performance.now();
          return;
        }
        last = step.value;
        controller.enqueue(sse(shape.last(step.value, cappedBy(request, caps, step.value))));
        if (shape.done) controller.enqueue(sse(shape.done));
        controller.close();
      } catch (e) {
        const error = isPareError(e) ? { code: e.code, message: e.message } : { code: 'internal', message: 'Generation failed; the event was logged.' };
        if (!isPareError(e)) console.error('pare-edge: generation failed mid-stream:', e);
        controller.enqueue(encoder.encode(`event: error\ndata: ${JSON.stringify({ error })}\n\n`));
        controller.close();
      }
      end();
    },
    cancel() {
      end();
    },
  });
  return { body: null, stream, heldUntil, inputBytes, inferMs: 0, tokenizeMs: 0, generation };
}
