// `pare ab`'s text output from an answer shaped like GET /v1/models/:model/ab's.
import { expect, it } from 'vitest';
import type { AbAnswer } from '@pare/clients';
import { abText } from './ab';

const i = (estimate: number, lower: number, upper: number) => ({ estimate, lower, upper });

it('prints the figures, the plan and the verdict', () => {
  const answer: AbAnswer = {
    model: 'spam',
    window: '1h',
    pair: { a: 'fp32', b: 'int8', chosen: 'top-traffic' },
    report: {
      a: { name: 'fp32', requests: 2445, medianMs: 8, meanMs: 9.3, errorRate: i(0.0004, 0, 0.002), labelled: { correct: 544, total: 605 }, accuracy: i(0.899, 0.87, 0.92) },
      b: { name: 'int8', requests: 2447, medianMs: 4.8, meanMs: 5.5, errorRate: i(0.0004, 0, 0.002), labelled: { correct: 542, total: 607 }, accuracy: i(0.893, 0.86, 0.91) },
      confidence: 0.95,
      latency: { meanDifferenceMs: i(-3.784, -4.041, -3.527), median: { difference: i(-3.226, -3.417, -3.017), relativeChangePct: i(-40.4, -42.1, -38.6) } },
      errorRateDifference: i(0, -0.0019, 0.0019),
      accuracyDifference: i(-0.006, -0.041, 0.028),
      design: { latency: { plannedPerVariant: 1533 }, accuracy: { plannedPerVariant: 14854 }, explanation: 'Fixed-horizon design: …' },
      status: 'complete',
      verdict: 'int8 is 40% faster than fp32 (95% CI 39–42%), accuracy −0.6 pt (−4.1 to +2.8): no significant loss.',
    },
  };
  const text = abText(answer);
  expect(text).toMatch(/^spam: int8 vs fp32, last 1h \(the two variants with most traffic\)/);
  expect(text).toContain('-40.4% (-42.1 to -38.6)');
  expect(text).toContain('-0.6 pt (-4.1 to +2.8)');
  expect(text).toContain('1533 requests, 14854 labelled requests; status: complete');
  expect(text.trimEnd().endsWith('no significant loss.')).toBe(true);
});

it('prints the per-unit rows, the split check, the guardrails and Tail Worker CPU time or its absence', () => {
  const answer: AbAnswer = {
    model: 'spam',
    window: '1h',
    pair: { a: 'fp32', b: 'int8', chosen: 'given' },
    cpu: { fp32: { count: 10, p50Ms: 4.2, p95Ms: 6 }, int8: null },
    report: {
      a: { name: 'fp32', requests: 1000, medianMs: 8, meanMs: 9, errorRate: i(0, 0, 0.004), labelled: { correct: 900, total: 1000 }, accuracy: i(0.9, 0.88, 0.92) },
      b: { name: 'int8', requests: 800, medianMs: 4, meanMs: 5, errorRate: i(0, 0, 0.005), labelled: { correct: 551, total: 1000 }, accuracy: i(0.551, 0.52, 0.58) },
      confidence: 0.95,
      latency: { meanDifferenceMs: i(-4, -4.2, -3.8), median: { difference: i(-4, -4.1, -3.9), relativeChangePct: i(-50, -52, -48) } },
      errorRateDifference: i(0, -0.004, 0.005),
      accuracyDifference: i(-0.349, -0.38, -0.31),
      perUnit: { clustersA: 97, clustersB: 95, errorRateDifference: i(0, -0.006, 0.007), meanLatencyDifferenceMs: i(-4, -4.6, -3.4) },
      sampleRatio: { variants: [{ name: 'fp32', weight: 50, observed: 1000, expected: 900 }, { name: 'int8', weight: 50, observed: 800, expected: 900 }], chiSquare: 22.2, pValue: 2.4e-6, mismatch: true, threshold: 0.001, basis: 'units' },
      guardrails: [{ metric: 'accuracy', marginPt: 1, difference: i(-0.349, -0.38, -0.31), status: 'failed' }, { metric: 'error rate', marginPt: 1, difference: i(0, -0.006, 0.007), status: 'passed' }],
      design: { latency: { plannedPerVariant: 100 }, accuracy: { plannedPerVariant: 1000 }, explanation: '…' },
      status: 'complete',
      verdict: 'Guardrail failed: int8 loses 34.9 pt of accuracy …',
    },
  };
  const text = abText(answer);
  expect(text).toMatch(/units \(buckets\)\s+│ 97\s+│ 95/);
  expect(text).toMatch(/error rate, per unit .*│ 0\.00 pt \(-0\.60 to \+0\.70\)/);
  expect(text).toMatch(/CPU time \(Tail Worker\) │ 4\.20 ms p50\s+│ unavailable/);
  expect(text).toContain('sample ratio: fp32 1000 of 900 expected, int8 800 of 900 expected; per unit, chi-square p = 2.4e-6 MISMATCH');
  expect(text).toContain('guardrail accuracy (margin 1 pt): failed; guardrail error rate (margin 1 pt): passed');
  expect(text).not.toContain('\u001b[');
});

it('adds time to first token, tokens/s and tokens per request for a text-generation model', () => {
  const means = (meanA: number, meanB: number, d: ReturnType<typeof i>, r: ReturnType<typeof i>) => ({ n: { a: 40, b: 41 }, meanA, meanB, difference: d, relativeChangePct: r });
  const answer: AbAnswer = {
    model: 'lm',
    window: '15m',
    pair: { a: 'fp32', b: 'q4', chosen: 'given' },
    report: {
      a: { name: 'fp32', requests: 40, medianMs: 30, meanMs: 31, errorRate: i(0, 0, 0.08), labelled: { correct: 0, total: 0 }, accuracy: null },
      b: { name: 'q4', requests: 41, medianMs: 20, meanMs: 21, errorRate: i(0, 0, 0.08), labelled: { correct: 0, total: 0 }, accuracy: null },
      confidence: 0.95,
      latency: { meanDifferenceMs: i(-10, -12, -8), median: null },
      errorRateDifference: i(0, -0.08, 0.08),
      accuracyDifference: null,
      design: { latency: { plannedPerVariant: 30 }, accuracy: { plannedPerVariant: null }, explanation: '…' },
      status: 'complete',
      verdict: 'q4 is faster.',
    },
    generation: {
      confidence: 0.95,
      ttftMs: { ...means(4.5, 3, i(-1.5, -2, -1), i(-33.3, -40, -25)), medianA: 4.4, medianB: 2.9 },
      tokensPerSecond: means(150, 240, i(90, 70, 110), i(60, 45, 75)),
      tokensPerRequest: means(12, 12, i(0, -1, 1), i(0, -8, 8)),
    },
  };
  const text = abText(answer);
  expect(text).toMatch(/time to first token, mean\s*│\s*4\.50 ms\s*│\s*3\.00 ms\s*│\s*-1\.50 ms \(-2\.00 to -1\.00\); -33\.3% \(-40\.0 to -25\.0\)/);
  expect(text).toMatch(/decode tokens\/s, mean\s*│\s*150\.0\s*│\s*240\.0\s*│\s*\+90\.0 \(\+70\.0 to \+110\.0\); \+60\.0%/);
  expect(text).toContain('tokens per request, mean');
  expect(abText({ ...answer, generation: null })).not.toContain('tokens per request');
});
