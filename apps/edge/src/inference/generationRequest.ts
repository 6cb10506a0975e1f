// The body of a generation request (POST /v1/models/:m/generate, POST /v1/completions), checked once: each
// field's type and range, named when wrong. Fields left out take the variant's generation_config.json
// defaults, then transformers' own (greedy when temperature is 0). The isolate's caps (MAX_NEW_TOKENS,
// MAX_GENERATION_MS) bound every request; a request that asks for more is cut to them and told so.
import { z } from 'zod';
import { requireGeneration, type GenerateOptions, type Manifest } from '@pare/runtime';
import type { Env } from '../env';
import { parseOrRefuse } from '../http/zodRefusal';

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

/** A number field in `range`, or left out (null or absent: the defaults decide). */
function numberField(field: string, check: (n: number) => boolean, range: string) {
  const error = `"${field}" must be ${range}.`;
  return z.number({ error }).refine(check, { error }).nullish();
}

const stopMessage = `"stop" must be a string or up to ${MAX_STOPS} strings, each 1 to ${MAX_STOP_LENGTH} characters.`;
const stopSchema = z.preprocess(
  (v) => (v === undefined || v === null ? [] : typeof v === 'string' ? [v] : v),
  z.array(z.string({ error: stopMessage }).min(1, { error: stopMessage }).max(MAX_STOP_LENGTH, { error: stopMessage }), { error: stopMessage }).max(MAX_STOPS, { error: stopMessage }),
);

type MaxField = FieldNames['maxNewTokens'];

/** The body's fields, in the order they are checked; the token count is spelled as the route spells it. */
function generationBody<K extends MaxField>(maxField: K) {
  const max = { [maxField]: numberField(maxField, (n) => Number.isInteger(n) && n >= 1, 'an integer ≥ 1') } as Record<K, ReturnType<typeof numberField>>;
  return z.object({
    prompt: z.string({ error: '"prompt" must be a string.' }),
    ...max,
    temperature: numberField('temperature', (n) => n >= 0 && n <= 10, 'a number from 0 to 10'),
    top_k: numberField('top_k', (n) => Number.isInteger(n) && n >= 0, 'an integer ≥ 0 (0: no cut)'),
    top_p: numberField('top_p', (n) => n > 0 && n <= 1, 'a number in (0, 1]'),
    seed: numberField('seed', (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32, 'an integer from 0 to 2^32 - 1'),
    stream: z.boolean({ error: '"stream" must be true or false.' }).optional(),
    stop: stopSchema,
  });
}

/** The request from the body's fields; `prompt` is the body's prompt as the route reads it. */
export function parseGenerationRequest(body: Record<string, unknown>, manifest: Manifest, caps: GenerationCaps, names: FieldNames, prompt: unknown): GenerationRequest {
  const fields = parseOrRefuse(generationBody(names.maxNewTokens), { ...body, prompt });
  const defaults = requireGeneration(manifest).defaults;
  const requested = fields[names.maxNewTokens];
  const temperature = fields.temperature ?? defaults.temperature ?? 0;
  const topK = fields.top_k ?? defaults.topK ?? 0;
  const topP = fields.top_p ?? defaults.topP ?? 1;
  const seed = fields.seed ?? crypto.getRandomValues(new Uint32Array(1))[0]!;
  const wanted = requested ?? defaults.maxNewTokens ?? FALLBACK_NEW_TOKENS;
  return {
    prompt: fields.prompt,
    options: { maxNewTokens: Math.min(wanted, caps.maxNewTokens), temperature, topK, topP, seed, stop: fields.stop },
    stream: fields.stream === true,
    seed,
    tokensCapped: wanted > caps.maxNewTokens,
  };
}
