import { describe, expect, it } from 'vitest';
import { paretoFront, type ParetoPoint } from './pareto';

const point = (variant: string, bytes: number, accuracy: number | null, latencyMs: number | null, errorRate: number | null = 0, failing: string | null = null): ParetoPoint => ({ variant, bytes, accuracy, latencyMs, errorRate, failing });

describe('paretoFront', () => {
  it('marks variants beaten on every axis', () => {
    const r = paretoFront([point('fp32', 1000, 0.9, 10), point('int8', 300, 0.89, 6), point('p50', 500, 0.85, 7), point('tiny', 100, 0.7, 5)]);
    expect(r.axes).toEqual(['size', 'accuracy', 'latency', 'errors']);
    // Bigger, less accurate and slower than int8: dominated.
    expect([...r.dominated]).toEqual([['p50', 'int8']]);
  });

  it('compares on the axes every variant has, so one variant without accuracy does not make the others dominated', () => {
    const r = paretoFront([point('fp32', 1000, 0.9, 10), point('int8', 300, 0.89, 6), point('student', 200, null, 3)]);
    expect(r.axes).toEqual(['size', 'latency', 'errors']);
    // On size and latency the student beats both; accuracy is not an axis, so that is the whole comparison.
    expect([...r.dominated.keys()].sort()).toEqual(['fp32', 'int8']);
  });

  it('counts errors as an axis and keeps failing variants apart', () => {
    const r = paretoFront([
      point('fp32', 1000, 0.9, 10, 0),
      point('int8', 300, 0.89, 6, 0.08),
      // Fails fast: without the failing rule it would dominate on size and latency.
      point('broken', 100, 0.95, 0.1, 0.97, 'most requests fail (97% 5xx)'),
      point('unhealthy', 50, 0.99, null, null, 'unhealthy: sha256 mismatch'),
    ]);
    expect(r.failing).toEqual(['broken', 'unhealthy']);
    expect(r.axes).toEqual(['size', 'accuracy', 'latency', 'errors']);
    // int8 is smaller and faster but errs more: neither dominates the other.
    expect(r.dominated.size).toBe(0);
  });

  it('treats ties as dominating nothing', () => {
    const r = paretoFront([point('a', 100, null, null, null), point('c', 100, null, null, null), point('b', 200, null, null, null)]);
    expect(r.axes).toEqual(['size']);
    expect(r.dominated.get('b')).toBe('a');
    expect(r.dominated.has('a')).toBe(false);
  });
});
