// GET /metrics — Prometheus text format (metrics/edgeExposition.ts): cumulative counters and histograms from D1,
// variant gauges, and this isolate's count of metric events it had to give up.
import { Hono } from 'hono';
import { PareError } from '@pare/errors';
import { createDb, currentDeployment, listModels, listVariants, readCumulativeGeneratedTokens, readCumulativeHistograms } from '@pare/db';
import { PROMETHEUS_CONTENT_TYPE } from '@pare/prometheus';
import type { AppContext } from '../env';
import { edgeExposition } from '../metrics/edgeExposition';
import { metricEventsLost } from '../metrics/sendWithRetry';

export const prometheusRoutes = new Hono<AppContext>();

prometheusRoutes.get('/', async (c) => {
  // A scrape config still asking for the old sliding window must not get other numbers silently.
  if (c.req.query('window') !== undefined) {
    throw new PareError('window_invalid', 'GET /metrics has no window: its counters and histograms are cumulative. Take windows in PromQL, e.g. rate(pare_inference_requests_total[15m]).', { status: 400 });
  }
  const db = createDb(c.env.DB);
  const [isolate, tailCpu, ttft, generatedTokens, models, variants] = await Promise.all([
    readCumulativeHistograms(db, 'isolate'),
    readCumulativeHistograms(db, 'tail_cpu'),
    readCumulativeHistograms(db, 'ttft'),
    readCumulativeGeneratedTokens(db),
    listModels(db),
    listVariants(db),
  ]);
  const deployments = await Promise.all(models.map(async (m) => [m.name, (await currentDeployment(db, m.name))?.weights ?? {}] as const));
  const generativeModels = new Set(models.filter((m) => m.task === 'text-generation').map((m) => m.name));
  const body = edgeExposition({ isolate, tailCpu, ttft, generatedTokens, generativeModels, variants, weights: new Map(deployments), metricEventsLost: metricEventsLost() });
  return c.text(body, 200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
});
