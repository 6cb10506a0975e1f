import { describe, expect, it } from 'vitest';
import { Exposition } from './exposition';
import { familiesOf, queriedFamilies } from './metricNames';
import { checkMetrics, promtoolAvailable, promtoolTestName } from './promtool';

function sample(): string {
  return new Exposition()
    .counter('demo_requests_total', 'Requests, by "code".\nSecond line.', [
      { labels: { model: 'a"b\\c', code: '2xx' }, value: 3 },
      { labels: { model: 'x\ny', code: '5xx' }, value: 0 },
    ])
    .gauge('demo_size_bytes', 'Size.', [{ labels: {}, value: 1024 }])
    .histogram('demo_duration_seconds', 'Durations.', [{ labels: { model: 'a' }, bounds: [0.001, 0.5], counts: [2, 1, 4], sum: 3.25 }])
    .text();
}

describe('Exposition', () => {
  it('writes cumulative buckets ending in +Inf, _sum and _count, and escapes label values', () => {
    const text = sample();
    expect(text).toContain('demo_requests_total{model="a\\"b\\\\c",code="2xx"} 3');
    expect(text).toContain('demo_requests_total{model="x\\ny",code="5xx"} 0');
    expect(text).toContain('# HELP demo_requests_total Requests, by "code".\\nSecond line.');
    expect(text.split('\n').filter((l) => l.startsWith('demo_duration_seconds'))).toEqual([
      'demo_duration_seconds_bucket{model="a",le="0.001"} 2',
      'demo_duration_seconds_bucket{model="a",le="0.5"} 3',
      'demo_duration_seconds_bucket{model="a",le="+Inf"} 7',
      'demo_duration_seconds_sum{model="a"} 3.25',
      'demo_duration_seconds_count{model="a"} 7',
    ]);
  });

  it('refuses a counter without _total and a family written twice', () => {
    expect(() => new Exposition().counter('demo_requests', 'x', [])).toThrow(/_total/);
    expect(() => new Exposition().gauge('demo', 'x', []).gauge('demo', 'x', [])).toThrow(/twice/);
  });

  it.skipIf(!promtoolAvailable())(promtoolTestName('passes promtool check metrics'), () => {
    expect(checkMetrics(sample())).toEqual({ ok: true, output: '' });
    // The check itself works: a gauge with a counter's name is a lint problem.
    expect(checkMetrics('# HELP x_total y\n# TYPE x_total gauge\nx_total 1\n').ok).toBe(false);
  });

  it('names the families of a scrape and of a query', () => {
    expect([...familiesOf(sample())]).toEqual(['demo_requests_total', 'demo_size_bytes', 'demo_duration_seconds']);
    expect([...queriedFamilies('histogram_quantile(0.9, rate(demo_duration_seconds_bucket[5m])) / demo_size_bytes', 'demo_')]).toEqual(['demo_duration_seconds', 'demo_size_bytes']);
  });
});
