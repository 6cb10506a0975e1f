// The LM fixtures end to end on real onnxruntime (node): raw prompt → tokenizer.json → the ONNX decoder, with and
// without a key/value cache, gives the Python model's own greedy continuations, log-likelihoods and next-token
// log-probabilities (expected.json); sampling is reproducible by seed; stop strings, bounds and aborts end it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeBackend } from '../../src/node';
import type { InferenceSession } from '../../src/backend/inferenceBackend';
import { generateText, generateTokens, promptIds, type GenerateOptions } from '../../src/tasks/generation/generateTokens';
import { DecoderSteps } from '../../src/tasks/generation/decoderSteps';
import { topLogProbs } from '../../src/tasks/generation/logProbs';
import { scoreTexts } from '../../src/tasks/generation/sequenceScore';
import { corpusPerplexity } from '../../src/tasks/generation/corpusPerplexity';
import { runTextTask } from '../../src/tasks/taskRegistry';
import { LM_MODELS, lmExpected, lmFixture, untilEos, type LmFixture } from './lmFixtures';

const greedy = (maxNewTokens: number): GenerateOptions => ({ maxNewTokens, temperature: 0, topK: 0, topP: 1, seed: 0, stop: [] });

describe.each(LM_MODELS)('%s', (name) => {
  const expected = lmExpected(name);
  const runs: Record<'cached' | 'recompute', { fx: LmFixture; session: InferenceSession }> = {} as never;

  beforeAll(async () => {
    for (const [kind, dir] of [['cached', name], ['recompute', `${name}-nocache`]] as const) {
      const fx = await lmFixture(dir);
      runs[kind] = { fx, session: await nodeBackend.createSession(fx.folder.modelBytes) };
    }
  });
  afterAll(async () => {
    for (const r of Object.values(runs)) await r.session.release();
  });

  it('is imported as text-generation, with a cache in one export and none in the other', () => {
    const cached = runs.cached.fx.manifest.generation!;
    const recompute = runs.recompute.fx.manifest.generation!;
    expect(runs.cached.fx.manifest.task).toBe('text-generation');
    expect(cached.cache!.pairs).toHaveLength(4);
    expect(cached.cache!.pairs[0]).toEqual({ past: 'past_key_values.0.key', present: 'present.0.key' });
    expect(recompute.cache).toBeUndefined();
    expect(cached.maxPositions).toBe(256);
    expect(cached.defaults.temperature).toBe(0);
    expect(cached.eosTokenIds).toEqual(name === 'gpt2-sotu' ? [0] : [2]);
    // GPT-2 derives positions from the cache; the Llama exports take position_ids.
    expect(runs.cached.fx.manifest.preprocess!.positionIdsInput).toBe(name === 'llama-sotu' ? 'position_ids' : undefined);
  });

  it('encodes every prompt as the Python tokenizer did', () => {
    const { fx } = runs.cached;
    for (const g of expected.greedy) expect(promptIds(fx.manifest, fx.tokenizer, g.prompt), g.prompt).toEqual(g.promptIds);
  });

  it('continues the prompts greedily as the Python model did, the same with and without the cache', async () => {
    const eos = runs.cached.fx.manifest.generation!.eosTokenIds;
    let identical = 0;
    for (const g of expected.greedy) {
      const cached = await generateText(runs.cached.fx.manifest, runs.cached.fx.tokenizer, runs.cached.session, g.prompt, greedy(expected.maxNewTokens));
      const recompute = await generateText(runs.recompute.fx.manifest, runs.recompute.fx.tokenizer, runs.recompute.session, g.prompt, greedy(expected.maxNewTokens));
      expect(recompute.ids).toEqual(cached.ids);
      const want = untilEos(g.ids, eos);
      if (JSON.stringify(cached.ids) === JSON.stringify(want)) {
        identical++;
        expect(cached.text).toBe(g.text);
        expect(cached.finishReason).toBe(want.length < g.ids.length ? 'stop' : 'length');
      }
      expect(cached.usage).toEqual({ promptTokens: g.promptIds.length, completionTokens: cached.ids.length });
    }
    expect(identical / expected.greedy.length).toBeGreaterThanOrEqual(0.95);
  });

  it('gives the Python log-likelihoods and perplexities', async () => {
    for (const kind of ['cached', 'recompute'] as const) {
      const { fx, session } = runs[kind];
      const run = await scoreTexts(fx.manifest, fx.tokenizer, session, expected.scores.map((s) => s.text));
      run.scores.forEach((got, i) => {
        const want = expected.scores[i]!;
        if (want.ids.length !== got.ids.length) return; // Python cut the text at 128 tokens; Pare at the model's 256
        expect(got.ids).toEqual(want.ids);
        expect(got.tokens).toBe(want.tokens);
        expect(Math.abs(got.logLikelihood - want.logLikelihood)).toBeLessThan(1e-3 * Math.max(1, Math.abs(want.logLikelihood)));
        expect(got.perplexity! / want.perplexity).toBeCloseTo(1, 4);
      });
    }
  });

  it('gives the corpus perplexity of the Python log-likelihoods (summed over texts, then per token)', async () => {
    const { fx, session } = runs.cached;
    // Python cut texts at 128 tokens, Pare at the model's 256: compare the texts neither cut.
    const same = expected.scores.filter((s) => s.ids.length < 128);
    const got = await corpusPerplexity(fx.manifest, fx.tokenizer, session, same.map((s) => s.text));
    const ll = same.reduce((n, s) => n + s.logLikelihood, 0);
    const tokens = same.reduce((n, s) => n + s.tokens, 0);
    expect(got.tokens).toBe(tokens);
    expect(got.perplexity / Math.exp(-ll / tokens)).toBeCloseTo(1, 4);
    expect(got.predicted).toHaveLength(same.length);
  });

  it('gives the Python next-token log-probabilities, through the task registry too', async () => {
    const { fx, session } = runs.cached;
    const prompts = expected.lastLogprobs.map((l) => l.prompt);
    const batch = await runTextTask(fx.manifest, fx.tokenizer, session, prompts, ['text-generation']);
    for (const [i, l] of expected.lastLogprobs.entries()) {
      const steps = new DecoderSteps(fx.manifest, session);
      const rows = await steps.feed(promptIds(fx.manifest, fx.tokenizer, l.prompt));
      const top = topLogProbs(rows.row(rows.rows - 1), 5);
      expect(top.map((t) => t.id)).toEqual(l.top.map((t) => t.id));
      top.forEach((t, k) => expect(t.logprob).toBeCloseTo(l.top[k]!.logprob, 4));
      // A padded batch reads each row's last real position.
      expect(batch.results[i]!.next.map((t) => t.id)).toEqual(l.top.map((t) => t.id));
    }
  });

  it('samples reproducibly by seed, and differently across seeds', async () => {
    const { fx, session } = runs.cached;
    const options = (seed: number): GenerateOptions => ({ maxNewTokens: 24, temperature: 0.9, topK: 40, topP: 0.95, seed, stop: [] });
    const prompt = expected.greedy[0]!.prompt;
    const a = await generateText(fx.manifest, fx.tokenizer, session, prompt, options(7));
    const b = await generateText(fx.manifest, fx.tokenizer, session, prompt, options(7));
    expect(b.ids).toEqual(a.ids);
    const others = await Promise.all([8, 9, 10].map((s) => generateText(fx.manifest, fx.tokenizer, session, prompt, options(s))));
    expect(others.some((o) => JSON.stringify(o.ids) !== JSON.stringify(a.ids))).toBe(true);
    // The same seed through the recompute export samples the same tokens.
    const r = runs.recompute;
    expect((await generateText(r.fx.manifest, r.fx.tokenizer, r.session, prompt, options(7))).ids).toEqual(a.ids);
  });

  it('streams token texts that add up to the answer, and stops before a stop string', async () => {
    const { fx, session } = runs.cached;
    const g = expected.greedy.find((x) => x.text.trim().includes(' '))!;
    const gen = generateTokens(fx.manifest, fx.tokenizer, session, g.prompt, greedy(expected.maxNewTokens));
    let streamed = '';
    let events = 0;
    let step = await gen.next();
    while (!step.done) { streamed += step.value.text; events++; step = await gen.next(); }
    expect(streamed + step.value.rest).toBe(step.value.text);
    expect(events).toBe(step.value.ids.length);
    const word = step.value.text.trim().split(' ')[1]!;
    const stopped = await generateText(fx.manifest, fx.tokenizer, session, g.prompt, { ...greedy(expected.maxNewTokens), stop: [word] });
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.text).toBe(step.value.text.slice(0, step.value.text.indexOf(word)));
  });

  it('ends at its time bound and when its signal aborts', async () => {
    const { fx, session } = runs.cached;
    const prompt = expected.greedy[1]!.prompt;
    const timed = await generateText(fx.manifest, fx.tokenizer, session, prompt, greedy(32), { maxMs: 0 });
    expect(timed.finishReason).toBe('time_limit');
    expect(timed.ids).toHaveLength(1);
    const abort = new AbortController();
    abort.abort();
    const aborted = await generateText(fx.manifest, fx.tokenizer, session, prompt, greedy(32), { signal: abort.signal });
    expect(aborted.finishReason).toBe('aborted');
    expect(aborted.ids).toHaveLength(0);
  });
});
