import { describe, expect, it } from 'vitest';
import type { VariantSample } from './abReport';
import { compareVariants } from './compareVariants';

// The edge's fixed bounds (packages/db histogramBuckets.ts), copied so this package stays free of the db.
const BOUNDS = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 25, 50, 75, 100, 150, 250, 500, 1000, 2500, 5000, 10000];

function histogram(byUpperBound: Record<number, number>): { bounds: number[]; counts: number[] } {
  const counts = new Array<number>(BOUNDS.length + 1).fill(0);
  for (const [bound, c] of Object.entries(byUpperBound)) counts[BOUNDS.indexOf(Number(bound))] = c;
  return { bounds: BOUNDS, counts };
}

// fp32: 300 in (5, 7.5], 400 in (7.5, 10], 300 in (10, 15] → median 7.5 + 2.5·200/400 = 8.75 ms.
// int8: one bucket faster → median 5 + 2.5·200/400 = 6.25 ms: 6.25/8.75 − 1 = −28.6 %.
const fp32: VariantSample = { name: 'fp32', histogram: histogram({ 7.5: 300, 10: 400, 15: 300 }), errors: 2, labelled: { correct: 900, total: 1000 } };
const int8: VariantSample = { name: 'int8', histogram: histogram({ 5: 300, 7.5: 400, 10: 300 }), errors: 3, labelled: { correct: 898, total: 1000 } };

describe('compareVariants', () => {
  it('says which is faster, the accuracy change and what more data would detect', () => {
    const r = compareVariants(fp32, int8);
    expect(r.status).toBe('complete');
    expect(r.latency.median!.relativeChangePct.estimate).toBeCloseTo(-28.5714, 3);
    expect(r.latency.meanDifferenceMs!.upper).toBeLessThan(0);
    expect(r.accuracyDifference!.estimate).toBeCloseTo(-0.002, 10);
    // Planned labels per variant at 90 % accuracy for a 1-pt loss: 14,751 (sampleSize.test.ts);
    // 2 × (14,751 − 1,000) = 27,502 still missing → "28,000" at two significant digits.
    expect(r.design.accuracy.remaining).toBe(27502);
    expect(r.verdict).toMatch(/^int8 is 29% faster than fp32 \(95% CI \d+–\d+%\), accuracy −0\.2 pt \(−\d\.\d to \+\d\.\d\): no significant loss; 28,000 more labelled requests would detect a 1-pt loss, error rate \+0\.10 pt/);
  });

  it('honours the minimum effect the user asks for', () => {
    const r = compareVariants(fp32, int8, { minimumEffect: { accuracyPt: 5 } });
    // 5-pt loss from 90 %: far fewer labels than for 1 pt, already covered by 1,000 each.
    expect(r.design.accuracy.plannedPerVariant!).toBeLessThan(1000);
    expect(r.verdict).not.toMatch(/more labelled requests/);
  });

  it('calls a result provisional before the planned sample size (fixed horizon)', () => {
    const few = (v: VariantSample): VariantSample => ({ ...v, histogram: { bounds: BOUNDS, counts: v.histogram.counts.map((c) => Math.round(c / 100)) } });
    const r = compareVariants(few(fp32), few(int8), { minimumEffect: { latencyPct: 2 } });
    expect(r.status).toBe('collecting');
    expect(r.verdict).toMatch(/Provisional: 10 of [\d,]+ planned requests per variant/);
  });

  it('asks for feedback when nothing is labelled, and for traffic when there is none', () => {
    const unlabelled = compareVariants({ ...fp32, labelled: { correct: 0, total: 0 } }, { ...int8, labelled: { correct: 0, total: 0 } });
    expect(unlabelled.accuracyDifference).toBeNull();
    expect(unlabelled.verdict).toMatch(/no labelled requests yet \(POST \/v1\/feedback/);
    const empty = compareVariants(fp32, { ...int8, histogram: histogram({}), errors: 0 });
    expect(empty.status).toBe('no_traffic');
    expect(empty.verdict).toMatch(/^No traffic yet for int8/);
  });

  it('finds no difference between identical variants', () => {
    const r = compareVariants(fp32, { ...fp32, name: 'fp32-copy' });
    expect(r.verdict).toMatch(/no significant latency difference/);
  });

  it('leads with a failed accuracy guardrail, however much faster the candidate is', () => {
    const lossy = { ...int8, labelled: { correct: 551, total: 1000 } };
    const r = compareVariants(fp32, lossy);
    expect(r.guardrails.find((g) => g.metric === 'accuracy')!.status).toBe('failed');
    expect(r.verdict).toMatch(/^Guardrail failed: int8 loses 34\.9 pt of accuracy against fp32 \(−\d+\.\d to −\d+\.\d\), beyond the 1-pt margin: do not ship it on speed\. Otherwise: int8 is 29% faster/);
    // A loss inside the margin passes, even when significant.
    const slight = compareVariants(fp32, { ...int8, labelled: { correct: 880, total: 1000 } }, { guardrails: { accuracyPt: 5 } });
    expect(slight.guardrails[0]!.status).toBe('passed');
    expect(slight.verdict).toMatch(/^int8 is 29% faster/);
  });

  it('leads with an error-rate guardrail read per unit, and flags a sample-ratio mismatch', () => {
    const units = (k: number, errors: number) => Array.from({ length: k }, (_, i) => ({ requests: 10, errors: i < errors ? 10 : 0, latencyMsSum: 80 }));
    const failing = { ...int8, errors: 300, units: units(100, 30) };
    const r = compareVariants({ ...fp32, units: units(100, 0) }, failing, {
      sampleRatio: { variants: [{ name: 'fp32', weight: 50, observed: 1000, expected: 900 }, { name: 'int8', weight: 50, observed: 800, expected: 900 }], chiSquare: 22.2, pValue: 2.4e-6, mismatch: true, threshold: 0.001, basis: 'units' },
    });
    expect(r.perUnit!.clustersB).toBe(100);
    expect(r.verdict).toMatch(/^Guardrail failed: int8 raises the error rate by 30\.00 pt/);
    expect(r.verdict).toMatch(/Sample ratio mismatch: the traffic split is not the weights' \(fp32 1,000 \(expected 900\), int8 800 \(expected 900\); chi-square p = 0\.0000024\), so every figure of this comparison may be biased/);
  });
});
