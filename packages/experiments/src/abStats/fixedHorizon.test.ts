import { describe, expect, it } from 'vitest';
import { planFixedHorizon } from './fixedHorizon';

describe('planFixedHorizon', () => {
  it('plans both sample sizes from the minimum effects, by hand', () => {
    const plan = planFixedHorizon({
      latencyA: { n: 100, mean: 10, variance: 4 },
      latencyB: { n: 100, mean: 6, variance: 1 },
      labelledA: { correct: 9, total: 10 },
      labelledB: { correct: 8, total: 10 },
      minimumEffect: { latencyPct: 5, accuracyPt: 1 },
    });
    // Latency: 5 % of mean(a) = 0.5 ms; (1.95996 + 0.84162)² · (2² + 1²) / 0.5² = 156.98 → 157 per variant.
    expect(plan.latency).toEqual({ plannedPerVariant: 157, observedA: 100, observedB: 100, remaining: 114, reached: false });
    // Accuracy: under 30 labels the rate is not trusted, so plan for p = 0.5 (sampleSize.test.ts: 39,240).
    expect(plan.accuracy.plannedPerVariant).toBe(39240);
    expect(plan.accuracy.remaining).toBe(2 * 39240 - 20);
    expect(plan.explanation).toMatch(/^Fixed-horizon design: .* a 5% latency change or a 1-pt accuracy loss \(two-sided α = 0\.05, power 80%\)/);
  });

  it('waits for two observations per variant before planning latency', () => {
    const plan = planFixedHorizon({
      latencyA: { n: 1, mean: 5, variance: Number.NaN },
      latencyB: { n: 0, mean: Number.NaN, variance: Number.NaN },
      labelledA: { correct: 0, total: 0 },
      labelledB: { correct: 0, total: 0 },
      minimumEffect: { latencyPct: 5, accuracyPt: 1 },
    });
    expect(plan.latency.plannedPerVariant).toBeNull();
    expect(plan.latency.reached).toBe(false);
  });
});
