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
