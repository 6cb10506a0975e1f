// A new session's first runs are several times slower than its later ones (ORT sizes its arena and the wasm
// heap grows to the shape; V8 tiers up the kernels the model calls). The request that created a session
// schedules a few runs of it on generated inputs of the serving shape inside waitUntil (after its own answer
// has left), so that the user requests after it see steady-state latency.
import { generateText, type Feeds, type Manifest, type TextTokenizer } from '@pare/runtime';
import { generatedTensorFeeds, textFeeds } from './generatedFeeds';
import { holdSession, releaseSession } from './sessionCache';
import type { ServingVariant } from './servingVariant';

/** Runs after creation; enough for steady state on the models in apps/edge/bench/edgeSpeedBench.ts. */
export const WARMUP_RUNS = 5;
/**
 * Greedy tokens a text-generation variant decodes after those runs, within the same budget: decode steps (one token
 * on the cache) call other kernels than the full-length runs, and a fresh isolate's first decode steps run several
 * times slower until V8 has compiled them optimised (bench/lm/edgeGeneration.ts warmUp measures it).
 */
export const WARMUP_DECODE_TOKENS = 64;
/**
 * Longest row a warm-up tokenizes. Transformer windows are 128-512 tokens; a longer maxLength is a hashed n-gram
 * bag's (4,096 ids, any length) or a decoder's context, whose requests are far shorter: tokenizing a full row of it
 * took about 4 ms, which the next requests waited behind.
 */
export const WARMUP_MAX_TOKENS = 512;
/** A model slower than this per run stops warming early: its warm-up would hold the isolate for seconds. */
const WARMUP_BUDGET_MS = 1500;

/**
 * The feeds of the largest request a text variant serves: one text that fills the tokenizer's maxLength, up to
 * WARMUP_MAX_TOKENS (texts are padded to the longest in the batch, so this is the shape that sizes the arena);
 * generated tensors otherwise.
 */
export function warmUpFeeds(manifest: Manifest, tokenizer?: TextTokenizer): Feeds {
  const length = Math.min(manifest.preprocess?.tokenizer.maxLength ?? 0, WARMUP_MAX_TOKENS);
  const text = textFeeds(manifest, Array.from({ length: Math.max(1, length) }, () => 'pare').join(' '), tokenizer);
  return text ? text.feeds : generatedTensorFeeds(manifest);
}

export interface WarmUp {
  /** Milliseconds of each full-length run. */
  runs: number[];
  /** Tokens a text-generation variant decoded after them. */
  decodedTokens: number;
}

/** Run the variant's session a few times (held, so an eviction meanwhile waits), then decode a little if it generates. */
export async function warmUpSession(serving: Pick<ServingVariant, 'manifest' | 'session' | 'tokenizer'> & { sha256: string }, runs = WARMUP_RUNS): Promise<WarmUp> {
  const times: number[] = [];
  let decodedTokens = 0;
  if (!holdSession(serving.sha256, serving.session)) return { runs: times, decodedTokens };
  try {
    const feeds = warmUpFeeds(serving.manifest, serving.tokenizer);
    const started = performance.now();
    for (let i = 0; i < runs && performance.now() - started < WARMUP_BUDGET_MS; i++) {
      const t0 = performance.now();
      await serving.session.run(feeds);
      times.push(performance.now() - t0);
    }
    const left = WARMUP_BUDGET_MS - (performance.now() - started);
    if (serving.manifest.generation && serving.tokenizer?.decode && left > 0) {
      decodedTokens = (await generateText(serving.manifest, serving.tokenizer, serving.session, 'pare', { maxNewTokens: WARMUP_DECODE_TOKENS, temperature: 0, topK: 0, topP: 1, seed: 0, stop: [] }, { maxMs: left })).ids.length;
    }
  } catch {
    // A warm-up that fails changes nothing: the requests themselves report and count run failures.
  } finally {
    releaseSession(serving.session);
  }
  return { runs: times, decodedTokens };
}
