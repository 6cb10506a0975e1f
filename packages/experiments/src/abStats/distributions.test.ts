import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, studentTCdf, studentTQuantile, zCritical } from './distributions';

// Reference values from printed tables (normal and t tables in any statistics text), cross-checked with
// scipy.stats 1.17 (norm.ppf, t.ppf, t.cdf).
describe('distributions', () => {
  it('normal quantiles and CDF match the tables', () => {
    expect(zCritical(0.95)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.8)).toBeCloseTo(0.841621, 6);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    expect(normalCdf(1.5)).toBeCloseTo(0.933193, 6);
    expect(normalCdf(-1.959964)).toBeCloseTo(0.025, 6);
  });

  it('t quantiles match the t table, also for the fractional df of Welch', () => {
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228139, 5);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706205, 4);
    expect(studentTQuantile(0.975, 24.988529)).toBeCloseTo(2.059587, 5);
    expect(studentTQuantile(0.995, 3.5)).toBeCloseTo(5.085702, 4);
    expect(studentTQuantile(0.025, 10)).toBeCloseTo(-2.228139, 5);
  });

  it('t CDF matches scipy', () => {
    expect(studentTCdf(-2.46, 25)).toBeCloseTo(0.0105772, 6);
    expect(studentTCdf(0, 7)).toBeCloseTo(0.5, 12);
  });
});
