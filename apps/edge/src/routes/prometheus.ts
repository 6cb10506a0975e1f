// GET /metrics — the per-variant figures of GET /v1/models/:model/stats in Prometheus text format, the requests
// each model could not serve at all, and this isolate's count of metric events it had to give up.
import { Hono } from 'hono';
import { createDb, readVariantStats, UNSERVED_VARIANT, type VariantStats } from '@pare/db';
import type { AppContext } from '../env';
import { parseStatsWindow, STATS_WINDOWS } from '../metrics/statsWindow';
import { metricEventsLost } from '../metrics/sendWithRetry';

export const prometheusRoutes = new Hono<AppContext>();

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function renderPrometheus(all: readonly VariantStats[], window: string): string {
  const lines: string[] = [];
  const stats = all.filter((s) => s.variant !== UNSERVED_VARIANT);
  const unserved = all.filter((s) => s.variant === UNSERVED_VARIANT && s.source === 'isolate');
  const family = (name: string, help: string, type: string, rows: Array<[VariantStats, string, number | null]>) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [s, extra, value] of rows) {
      if (value === null) continue;
      lines.push(`${name}{model="${label(s.model)}",variant="${label(s.variant)}",source="${s.source}",window="${window}"${extra}} ${value}`);
    }
  };
  family('pare_requests', `Inference requests in the last ${window}.`, 'gauge', stats.map((s) => [s, '', s.count]));
  family('pare_errors', `Inference requests that failed (5xx) in the last ${window}.`, 'gauge', stats.map((s) => [s, '', s.errors]));
  family('pare_client_errors', `Inference requests refused as the caller's mistake (4xx) in the last ${window}; not in pare_errors.`, 'gauge', stats.map((s) => [s, '', s.clientErrors]));
  family('pare_pinned_requests', `Requests that chose their variant (OIP /versions/:variant) in the last ${window}; left out of the A/B.`, 'gauge', stats.map((s) => [s, '', s.pinned]));
  family('pare_error_ratio', `Failed / all requests in the last ${window}.`, 'gauge', stats.map((s) => [s, '', s.errorRate]));
  family(
    'pare_latency_ms',
    `Latency percentiles (ms) in the last ${window}, read from fixed-bucket histograms.`,
    'gauge',
    stats.flatMap((s) => [
      [s, ',quantile="0.5"', s.p50Ms] as [VariantStats, string, number | null],
      [s, ',quantile="0.95"', s.p95Ms] as [VariantStats, string, number | null],
      [s, ',quantile="0.99"', s.p99Ms] as [VariantStats, string, number | null],
    ]),
  );
  lines.push(`# HELP pare_unserved_requests Requests of a model that no variant could serve (503 no_healthy_variant) in the last ${window}.`, '# TYPE pare_unserved_requests gauge');
  for (const s of unserved) lines.push(`pare_unserved_requests{model="${label(s.model)}",window="${window}"} ${s.count}`);
  lines.push('# HELP pare_metric_events_lost_total Metric events this isolate gave up on after every send attempt failed (also logged).', '# TYPE pare_metric_events_lost_total counter');
  lines.push(`pare_metric_events_lost_total ${metricEventsLost()}`);
  return `${lines.join('\n')}\n`;
}

prometheusRoutes.get('/', async (c) => {
  const window = parseStatsWindow(c.req.query('window'), '15m');
  const db = createDb(c.env.DB);
  const sinceMs = Date.now() - STATS_WINDOWS[window];
  const stats = [...(await readVariantStats(db, { sinceMs, source: 'isolate' })), ...(await readVariantStats(db, { sinceMs, source: 'tail_cpu' }))];
  return c.text(renderPrometheus(stats, window), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
});
