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
