// GET /metrics of the worker as Prometheus scrapes it (wrangler dev, local D1 with seeded histograms, real
// requests through the metrics queue, a failing and an idle variant), checked by `promtool check metrics`.
// It runs with the browser suite because it needs the same real worker process, not a browser.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { familiesOf, queriedFamilies } from '@pare/prometheus';
import { checkMetrics, promtoolAvailable, promtoolTestName } from '@pare/prometheus/promtool';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedAbTrafficSql } from '../seedAbTraffic';
import { startEdgeServer, type EdgeServer } from './edgeServer';
import { deploySpamVariants, MODEL, sendRealTraffic } from './seedDashboard';

const TOKEN = 'prometheus-spec-token-0123456789abcdef';
let server: EdgeServer;

beforeAll(async () => {
  server = await startEdgeServer({ token: TOKEN, seedSql: seedAbTrafficSql({ model: MODEL, variants: ['fp32', 'int8'], now: Date.now() }) });
  await deploySpamVariants(server.url, TOKEN);
  await sendRealTraffic(server.url, 6);
  // A caller's mistake, so the 4xx series has a value too.
  await fetch(`${server.url}/v1/models/${MODEL}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text": 1}' });
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

async function scrape(): Promise<string> {
  const response = await fetch(`${server.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return response.text();
}

it('exposes counters, histograms and gauges of every variant', async () => {
  const text = await scrape();
  for (const variant of ['fp32', 'int8', 'p50-fp32']) {
    expect(text).toContain(`pare_variant_healthy{model="${MODEL}",variant="${variant}"} 1`);
    expect(text).toMatch(new RegExp(`^pare_inference_requests_total\\{model="${MODEL}",variant="${variant}",code="2xx"\\} \\d+$`, 'm'));
  }
  expect(text).toContain(`pare_variant_traffic_ratio{model="${MODEL}",variant="p50-fp32"} 0`);
  expect(text).toMatch(new RegExp(`^pare_inference_duration_seconds_bucket\\{model="${MODEL}",variant="fp32",le="\\+Inf"\\} [1-9]\\d*$`, 'm'));
});

it('is cumulative: a second scrape never reads less', async () => {
  const values = (text: string) => new Map(text.split('\n').filter((l) => l.startsWith('pare_inference_requests_total')).map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]));
  const first = values(await scrape());
  await sendRealTraffic(server.url, 2);
  const second = values(await scrape());
  for (const [series, value] of first) expect(second.get(series)).toBeGreaterThanOrEqual(value);
});

it.skipIf(!promtoolAvailable())(promtoolTestName('passes promtool check metrics'), async () => {
  expect(checkMetrics(await scrape())).toEqual({ ok: true, output: '' });
});

it('has every family the Grafana dashboard (infra/grafana/pare.json) reads from the edge', async () => {
  const dashboard = readFileSync(path.resolve(import.meta.dirname, '../../../../infra/grafana/pare.json'), 'utf8');
  const queried = [...queriedFamilies(dashboard, 'pare_')].filter((n) => !n.startsWith('pare_origin_'));
  expect(queried.length).toBeGreaterThan(5);
  const exposed = familiesOf(await scrape());
  expect(queried.filter((n) => !exposed.has(n))).toEqual([]);
});

