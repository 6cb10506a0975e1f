// Text generation, one token at a time: the prompt is encoded and fed once (prefill), then each new token is
// picked (tokenSampler.ts) and fed back. A token event carries the text that token made final: characters
// that could still become a stop string, or an incomplete UTF-8 sequence, wait for the next token. Generation
// ends at an end-of-sequence token or a stop string ("stop"), at max_new_tokens or the model's positions
// ("length"), when the time bound passes ("time_limit") or when the signal aborts ("aborted", a client gone).
import { PareError } from '@pare/errors';
import type { InferenceSession } from '../../backend/inferenceBackend';
import type { Manifest } from '../../manifest';
import type { TextTokenizer } from '../../text/textTokenizer';
import { DecoderSteps, requireGeneration } from './decoderSteps';
import { TokenSampler, type SamplingOptions } from './tokenSampler';

export interface GenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  seed: number;
  /** Strings that end the generation; the text stops before the first one found. */
  stop: readonly string[];
}

export interface GenerateBounds {
  /** Wall time the whole generation may take, from the call. */
  maxMs?: number;
  signal?: AbortSignal;
}

export type FinishReason = 'stop' | 'length' | 'time_limit' | 'aborted';

export interface TokenEvent {
  id: number;
  /** The text this token made final (may be empty). */
  text: string;
}

export interface GenerationTimings {
  tokenizeMs: number;
  /** The prompt's run: it gives the first new token's logits. */
  prefillMs: number;
  /** The run that fed the first new token back (absent when generation stopped at one token). */
  firstStepMs?: number;
  /** From the call to the first token picked. */
  firstTokenMs?: number;
  /** Milliseconds inside session.run, summed. */
  inferMs: number;
  totalMs: number;
}

export interface GenerationResult {
  /** New tokens (an end-of-sequence token is not among them). */
  ids: number[];
  text: string;
  /** The end of `text` no token event carried (held back for a stop string that did not come). */
  rest: string;
  finishReason: FinishReason;
  usage: { promptTokens: number; completionTokens: number };
  timings: GenerationTimings;
}

/** The end of `text` that could be the start of a stop string, or an undecoded byte (U+FFFD), is held back. */
function finalLength(text: string, stop: readonly string[]): number {
  let hold = 0;
  for (const s of stop) {
    for (let n = Math.min(s.length - 1, text.length); n > hold; n--) {
      if (text.endsWith(s.slice(0, n))) { hold = n; break; }
    }
  }
  let end = text.length - hold;
  while (end > 0 && text[end - 1] === '\ufffd') end--;
  return end;
}

function firstStop(text: string, stop: readonly string[]): number {
  let at = -1;
  for (const s of stop) {
    const i = text.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at;
}

export function promptIds(manifest: Manifest, tokenizer: TextTokenizer, prompt: string): number[] {
  const spec = requireGeneration(manifest);
  const encoded = tokenizer.encode([prompt]);
  if (encoded.truncated[0]) {
    throw new PareError('input_invalid', `The prompt is longer than the ${tokenizer.maxLength} tokens the model takes.`, { status: 400, details: { field: 'prompt', maxLength: tokenizer.maxLength } });
  }
  const ids: number[] = [];
  for (let i = 0; i < encoded.dims[1]; i++) if (encoded.attentionMask[i] === 1n) ids.push(Number(encoded.ids[i]));
  if (ids.length === 0 && spec.bosTokenId !== undefined) ids.push(spec.bosTokenId);
  if (ids.length === 0) throw new PareError('input_invalid', 'The prompt is empty and the model has no bos_token_id to start from.', { status: 400, details: { field: 'prompt' } });
  return ids;
}

export async function* generateTokens(manifest: Manifest, tokenizer: TextTokenizer, session: InferenceSession, prompt: string, options: GenerateOptions, bounds: GenerateBounds = {}): AsyncGenerator<TokenEvent, GenerationResult> {
  const spec = requireGeneration(manifest);
  if (!tokenizer.decode) throw new PareError('tokenizer_invalid', `Variant "${manifest.model}/${manifest.variant}"'s tokenizer cannot decode ids.`, { status: 500 });
  const decode = (ids: number[]) => tokenizer.decode!(ids, { skipSpecialTokens: true });
  const t0 = performance.now();
  const prompted = promptIds(manifest, tokenizer, prompt);
  const tokenizeMs = performance.now() - t0;
  const steps = new DecoderSteps(manifest, session);
  const sampler = new TokenSampler(options, options.seed);
  const eos = new Set(spec.eosTokenIds);
  const room = Math.min(options.maxNewTokens, spec.maxPositions - prompted.length);
  const ids: number[] = [];
  const timings: GenerationTimings = { tokenizeMs, prefillMs: 0, inferMs: 0, totalMs: 0 };
  let text = '';
  let emitted = 0;
  let finishReason: FinishReason = 'length';
  const run = async (tokens: number[]) => {
    const s = performance.now();
    const rows = await steps.feed(tokens);
    const ms = performance.now() - s;
    timings.inferMs += ms;
    return { row: rows.row(rows.rows - 1), ms };
  };
  let next = room > 0 ? await run(prompted) : undefined;
  timings.prefillMs = next?.ms ?? 0;
  while (next) {
    if (bounds.signal?.aborted) { finishReason = 'aborted'; break; }
    const id = sampler.pick(next.row);
    timings.firstTokenMs ??= performance.now() - t0;
    if (eos.has(id)) { finishReason = 'stop'; break; }
    ids.push(id);
    const full = decode(ids);
    const stopAt = firstStop(full, options.stop);
    if (stopAt >= 0) {
      text = full.slice(0, stopAt);
      if (text.length > emitted) yield { id, text: text.slice(emitted) };
      emitted = text.length;
      finishReason = 'stop';
      break;
    }
    text = full;
    const end = finalLength(full, options.stop);
    yield { id, text: end > emitted ? full.slice(emitted, end) : '' };
    emitted = Math.max(emitted, end);
    if (ids.length >= room) break;
    if (bounds.maxMs !== undefined && performance.now() - t0 >= bounds.maxMs) { finishReason = 'time_limit'; break; }
    if (bounds.signal?.aborted) { finishReason = 'aborted'; break; }
    next = await run([id]);
    if (ids.length === 1) timings.firstStepMs = next.ms;
  }
  timings.totalMs = performance.now() - t0;
  // Whatever was held back for a stop string that never came is final now.
  return { ids, text, rest: text.slice(emitted), finishReason, usage: { promptTokens: prompted.length, completionTokens: ids.length }, timings };
}

/** generateTokens run to its end. */
export async function generateText(manifest: Manifest, tokenizer: TextTokenizer, session: InferenceSession, prompt: string, options: GenerateOptions, bounds: GenerateBounds = {}): Promise<GenerationResult> {
  const gen = generateTokens(manifest, tokenizer, session, prompt, options, bounds);
  for (;;) {
    const step = await gen.next();
    if (step.done) return step.value;
  }
}
