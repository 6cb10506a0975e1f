// The fitter with a perplexity target, on a real decoder LM (the llama fixture): the smallest candidate within the
// allowed increase wins, every candidate reports its perplexity ratio, and an unreachable target says why.
import { describe, expect, it } from 'vitest';
import { decodeModel } from '@pare/onnx';
import { emptyCache, feedsFromBatch } from '@pare/runtime';
import { nodeBackend } from '@pare/runtime/node';
import { evaluateFidelity } from '../src/evaluate/evaluateFidelity';
import { fitToBudget, type FitDeps } from '../src/fit/fitToBudget';
import { summarize } from '../src/fit/fitRanking';
import { heldOutTexts, loadLm, perplexityOf } from './lmFolders';

const lm = await loadLm('llama-sotu');
const fp32 = lm.folder.modelBytes;
const { model } = decodeModel(fp32);
const texts = heldOutTexts(12);
const feeds = [{ ...feedsFromBatch(lm.manifest, lm.tokenizer.encode(texts.slice(0, 2))), ...emptyCache(lm.manifest.generation, 2) }];
const deps: FitDeps = {
  fidelity: async (c) => summarize((await evaluateFidelity(fp32, c, feeds, [nodeBackend], { warmup: 0, timingPasses: 1 })).backends[0]!.overall),
  perplexity: (c) => perplexityOf(nodeBackend, lm, c, texts),
};
const base = { maxBytes: Number.POSITIVE_INFINITY, modes: ['int8-weights', 'int4-weights'] as const, perChannel: true, levels: [0] };

describe('fitToBudget with maxPerplexityIncrease', () => {
  it('picks the smallest candidate within the increase, and reports every candidate\'s perplexity ratio', async () => {
    const r = await fitToBudget(model, { ...base, modes: [...base.modes], maxPerplexityIncrease: 0.05 }, deps);
    expect(r.perplexity!.maxIncrease).toBe(0.05);
    expect(r.perplexity!.reference).toBeCloseTo(await perplexityOf(nodeBackend, lm, fp32, texts), 6);
    const judged = r.candidates.filter((c) => !c.error);
    expect(judged.length).toBeGreaterThanOrEqual(3);
    for (const c of judged) expect(c.perplexity!.ratio).toBeCloseTo(c.perplexity!.perplexity / r.perplexity!.reference, 9);
    const within = judged.filter((c) => c.perplexity!.ratio <= 1.05);
    expect(r.chosen.bytes).toBe(Math.min(...within.map((c) => c.bytes)));
    expect(r.chosen.options.quantize).toBe('int4-weights');
    expect(r.mixedPrecision).toBeUndefined();
  });

  it('keeps --max-bytes as a further limit, and says what came closest when nothing is within', async () => {
    // Only the 4-bit forms fit in 330 KB (int8-weights is about 420 KB), and 4-bit costs more than 0.1% here.
    const tight = fitToBudget(model, { ...base, modes: [...base.modes], maxBytes: 330_000, maxPerplexityIncrease: 0.001 }, deps);
    await expect(tight).rejects.toMatchObject({ code: 'budget_unreachable' });
    await expect(tight).rejects.toThrow(/No configuration within 330\.0 KB keeps perplexity within \+0\.1% of the original's [\d.]+: the closest is int4-weights.* at ×1\.\d{4} .*Raise the allowed increase or the budget/);
    await expect(fitToBudget(model, { ...base, modes: [...base.modes], maxBytes: 1000, maxPerplexityIncrease: 0.05 }, deps)).rejects.toThrow(/within 1\.0 KB could be judged/);
  });

  it('refuses a bad increase, and a target without a way to measure perplexity', async () => {
    for (const bad of [0, -0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(fitToBudget(model, { ...base, modes: [...base.modes], maxPerplexityIncrease: bad }, deps)).rejects.toMatchObject({ code: 'option_invalid' });
    }
    await expect(fitToBudget(model, { ...base, modes: [...base.modes], maxPerplexityIncrease: 0.05 }, { fidelity: deps.fidelity })).rejects.toThrow(/needs a way to measure perplexity/);
  });
});
