import { describe, expect, it } from 'vitest';
import { compareGeneration, type GenerationSample } from './generationComparison';
import { summarize, summaryOfMoments, welchInterval } from './welch';

const BOUNDS = [10, 20, 50, 100, 200];
const moments = (xs: number[]) => summaryOfMoments(xs.length, xs.reduce((s, x) => s + x, 0), xs.reduce((s, x) => s + x * x, 0));

describe('summaryOfMoments', () => {
  it('gives the mean and sample variance of the raw values', () => {
    const xs = [31.5, 28, 40.25, 35, 29.75];
    const m = moments(xs);
    const raw = summarize(xs);
    expect(m.n).toBe(5);
    expect(m.mean).toBeCloseTo(raw.mean, 12);
    expect(m.variance).toBeCloseTo(raw.variance, 9);
    expect(moments([7, 7, 7]).variance).toBe(0);
    expect(summaryOfMoments(0, 0, 0).n).toBe(0);
  });
});

describe('compareGeneration', () => {
  const sample = (name: string, ttftCounts: number[], tps: number[], tokens: number[]): GenerationSample => ({
    name, ttft: { bounds: BOUNDS, counts: ttftCounts }, tokensPerSecond: moments(tps), tokensPerRequest: moments(tokens),
  });

  it('compares tokens/s and tokens per request with the Welch and relative-change intervals of the latency comparison', () => {
    const a = sample('fp32', [0, 2, 6, 2, 0, 0], [100, 110, 95, 105, 90, 100], [16, 16, 12, 16, 16, 14]);
    const b = sample('q4', [6, 4, 0, 0, 0, 0], [200, 210, 190, 205, 195, 200], [16, 16, 16, 15, 16, 16]);
    const c = compareGeneration(a, b);
    expect(c.tokensPerSecond.meanA).toBeCloseTo(100, 9);
    expect(c.tokensPerSecond.meanB).toBeCloseTo(200, 9);
    expect(c.tokensPerSecond.difference).toEqual(welchInterval(moments([100, 110, 95, 105, 90, 100]), moments([200, 210, 190, 205, 195, 200])));
    expect(c.tokensPerSecond.difference!.lower).toBeGreaterThan(80);
    expect(c.tokensPerSecond.relativeChangePct!.estimate).toBeCloseTo(100, 6);
    expect(c.tokensPerSecond.relativeChangePct!.lower).toBeLessThan(100);
    expect(c.tokensPerSecond.relativeChangePct!.upper).toBeGreaterThan(100);
    // The candidate's first token comes sooner: the interval of the difference lies below zero.
    expect(c.ttftMs.n).toEqual({ a: 10, b: 10 });
    expect(c.ttftMs.difference!.upper).toBeLessThan(0);
    expect(c.ttftMs.medianB!).toBeLessThan(c.ttftMs.medianA!);
    expect(c.tokensPerRequest.difference!.lower).toBeLessThan(c.tokensPerRequest.difference!.estimate);
  });

  it('leaves the intervals out below two generations on a side', () => {
    const c = compareGeneration(sample('a', [1, 0, 0, 0, 0, 0], [50], [3]), sample('b', [0, 0, 0, 0, 0, 0], [], []));
    expect(c.ttftMs).toMatchObject({ meanB: null, medianB: null, difference: null, relativeChangePct: null });
    expect(c.tokensPerSecond).toMatchObject({ meanA: 50, meanB: null, difference: null });
  });
});
