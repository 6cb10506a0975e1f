// The body of a generation request (POST /v1/models/:m/generate, POST /v1/completions), checked once: each
// field's type and range, named when wrong. Fields left out take the variant's generation_config.json
// defaults, then transformers' own (greedy when temperature is 0). The isolate's caps (MAX_NEW_TOKENS,
// MAX_GENERATION_MS) bound every request; a request that asks for more is cut to them and told so.
import { PareError } from '@pare/errors';
import { requireGeneration, type GenerateOptions, type Manifest } from '@pare/runtime';
import type { Env } from '../env';

export const DEFAULT_MAX_NEW_TOKENS = 256;
export const DEFAULT_MAX_GENERATION_MS = 10_000;
/** New tokens when neither the request nor generation_config.json says. */
const FALLBACK_NEW_TOKENS = 16;
const MAX_STOPS = 4;
const MAX_STOP_LENGTH = 64;

export interface GenerationCaps {
  maxNewTokens: number;
  maxMs: number;
}

export interface GenerationRequest {
  prompt: string;
  options: GenerateOptions;
  stream: boolean;
  /** The request's seed, or the one drawn for it (stated in the answer, so a sampled answer can be repeated). */
  seed: number;
  /** The request asked for more tokens than the cap allows. */
  tokensCapped: boolean;
}

/** Names of the fields in the route's own spelling (OpenAI's max_tokens, Pare's max_new_tokens). */
export interface FieldNames {
  maxNewTokens: 'max_new_tokens' | 'max_tokens';
}

const positive = (v: string | undefined, fallback: number): number => {
  const n = Number(v);
  return v !== undefined && v !== '' && Number.isFinite(n) && n > 0 ? n : fallback;
};

export function generationCaps(env: Pick<Env, 'MAX_NEW_TOKENS' | 'MAX_GENERATION_MS'>): GenerationCaps {
  return { maxNewTokens: Math.floor(positive(env.MAX_NEW_TOKENS, DEFAULT_MAX_NEW_TOKENS)), maxMs: positive(env.MAX_GENERATION_MS, DEFAULT_MAX_GENERATION_MS) };
}

function invalid(field: string, message: string): PareError {
  return new PareError('input_invalid', `"${field}" ${message}`, { status: 400, details: { field } });
}

function numberField(body: Record<string, unknown>, field: string, check: (n: number) => boolean, range: string): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) throw invalid(field, `must be ${range}.`);
  return v;
}

function stopsOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length > MAX_STOPS || list.some((s) => typeof s !== 'string' || s.length === 0 || s.length > MAX_STOP_LENGTH)) {
    throw invalid('stop', `must be a string or up to ${MAX_STOPS} strings, each 1 to ${MAX_STOP_LENGTH} characters.`);
  }
  return list as string[];
}

export function parseGenerationRequest(body: Record<string, unknown>, manifest: Manifest, caps: GenerationCaps, names: FieldNames, prompt: string): GenerationRequest {
  const defaults = requireGeneration(manifest).defaults;
  const requested = numberField(body, names.maxNewTokens, (n) => Number.isInteger(n) && n >= 1, 'an integer ≥ 1');
  const temperature = numberField(body, 'temperature', (n) => n >= 0 && n <= 10, 'a number from 0 to 10') ?? defaults.temperature ?? 0;
  const topK = numberField(body, 'top_k', (n) => Number.isInteger(n) && n >= 0, 'an integer ≥ 0 (0: no cut)') ?? defaults.topK ?? 0;
  const topP = numberField(body, 'top_p', (n) => n > 0 && n <= 1, 'a number in (0, 1]') ?? defaults.topP ?? 1;
  const seed = numberField(body, 'seed', (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32, 'an integer from 0 to 2^32 - 1') ?? crypto.getRandomValues(new Uint32Array(1))[0]!;
  if (body.stream !== undefined && typeof body.stream !== 'boolean') throw invalid('stream', 'must be true or false.');
  const wanted = requested ?? defaults.maxNewTokens ?? FALLBACK_NEW_TOKENS;
  return {
    prompt,
    options: { maxNewTokens: Math.min(wanted, caps.maxNewTokens), temperature, topK, topP, seed, stop: stopsOf(body.stop) },
    stream: body.stream === true,
    seed,
    tokensCapped: wanted > caps.maxNewTokens,
  };
}

/** A request's prompt: a string (the only shape both routes take for one generation). */
export function promptOf(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalid(field, 'must be a string.');
  return value;
}
