import { describe, expect, it } from 'vitest';
import { makeRng } from '../random';
import { expectedCalibrationError, fitTemperature, nllAt } from './calibration';
import { thresholdForFpr } from './threshold';

// Logits of a classifier that is right 80% of the time but says 0.98: temperature scaling must soften them.
function overconfident(n: number) {
  const rng = makeRng(3);
  const labels = Uint8Array.from({ length: n }, () => (rng() < 0.5 ? 1 : 0));
  const logits = new Float32Array(n * 2);
  labels.forEach((y, i) => {
    const predicted = rng() < 0.8 ? y : 1 - y;
    logits[i * 2 + predicted] = 4 + rng();
  });
  return { labels, logits };
}

describe('temperature scaling', () => {
  it('fits T > 1 to overconfident logits and brings the calibration error down', () => {
    const { labels, logits } = overconfident(2000);
    const t = fitTemperature(logits, labels, 2);
    expect(t).toBeGreaterThan(2);
    expect(nllAt(logits, labels, 2, t)).toBeLessThan(nllAt(logits, labels, 2, 1));
    expect(expectedCalibrationError(logits, labels, 2, 1)).toBeGreaterThan(0.15);
    expect(expectedCalibrationError(logits, labels, 2, t)).toBeLessThan(0.03);
  });

  it('reads zero calibration error when confidence matches accuracy', () => {
    const logits = Float32Array.from([0, 0, 0, 0]);
    expect(expectedCalibrationError(logits, [0, 1], 2)).toBeCloseTo(0, 9);
  });
});

describe('thresholdForFpr', () => {
  it('is the lowest score that flags at most the target share of negatives, and never below one half', () => {
    const scores = [0.1, 0.2, 0.55, 0.9, 0.95, 0.6, 0.7, 0.99];
    const positive = [0, 0, 0, 0, 1, 1, 1, 1];
    const none = thresholdForFpr(scores, positive, 0);
    expect(none.score).toBeGreaterThan(0.9);
    expect(none.falsePositiveRate).toBe(0);
    expect(none.truePositiveRate).toBe(0.5);
    const quarter = thresholdForFpr(scores, positive, 0.25);
    expect(quarter.score).toBeGreaterThan(0.55);
    expect(quarter.score).toBeLessThan(0.6);
    expect(quarter.falsePositiveRate).toBe(0.25);
    expect(thresholdForFpr([0.1, 0.9], [0, 1], 0).score).toBe(0.5);
  });
});
