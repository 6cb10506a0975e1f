// GET /v1/models/:model/ab?a=<variant>&b=<variant>&window=15m|1h|24h|7d&minEffectPt=<pt>&minLatencyPct=<%>&maxErrorRisePt=<pt>
// The A/B comparison as JSON (the same figures as the dashboard's A/B panel and `pare ab`).
import { Hono } from 'hono';
import type { AbAnswer } from '@pare/clients/wire';
import type { AppContext } from '../env';
import { parseStatsWindow } from '../metrics/statsWindow';
import { loadAbReport, positiveParam } from '../ab/loadAbReport';

export const abRoutes = new Hono<AppContext>();

abRoutes.get('/:model/ab', async (c) => {
  const result = await loadAbReport(c.env, {
    model: c.req.param('model'),
    a: c.req.query('a') || undefined,
    b: c.req.query('b') || undefined,
    window: parseStatsWindow(c.req.query('window')),
    minEffectPt: positiveParam('minEffectPt', c.req.query('minEffectPt'), 50),
    minLatencyPct: positiveParam('minLatencyPct', c.req.query('minLatencyPct'), 100),
    maxErrorRisePt: positiveParam('maxErrorRisePt', c.req.query('maxErrorRisePt'), 100),
  });
  return c.json(result satisfies AbAnswer);
});
