// The edge's Hono app: every sub-app is mounted here, and errors become responses in one place.
import { Hono } from 'hono';
import { isPareError } from '@pare/errors';
import type { AppContext } from './env';
import { predictRoutes } from './routes/predict';
import { embedRoutes } from './routes/embed';
import { openaiEmbeddingRoutes } from './routes/openaiEmbeddings';
import { oipRoutes } from './routes/oip';
import { modelRoutes } from './routes/models';
import { prometheusRoutes } from './routes/prometheus';
import { adminRoutes } from './routes/admin';
import { abRoutes } from './routes/ab';
import { feedbackRoutes } from './routes/feedback';
import { dashboardRoutes } from './dashboard/routes';
import { generateRoutes } from './routes/generate';
import { scoreRoutes } from './routes/score';
import { openaiCompletionRoutes } from './routes/openaiCompletions';

export function createApp(): Hono<AppContext> {
  const app = new Hono<AppContext>();
  app.get('/', (c) => c.json({ name: 'pare-edge', routes: ['/v1/models', '/v1/models/:model/predict', '/v1/models/:model/embed', '/v1/embeddings', '/v1/models/:model/generate', '/v1/models/:model/score', '/v1/completions', '/v1/models/:model/stats', '/v1/models/:model/ab', '/v1/feedback', '/v2', '/metrics', '/dashboard', '/admin/*'] }));
  app.route('/v1/models', predictRoutes);
  app.route('/v1/models', embedRoutes);
  app.route('/v1/embeddings', openaiEmbeddingRoutes);
  app.route('/v1/models', modelRoutes);
  app.route('/v2', oipRoutes);
  app.route('/metrics', prometheusRoutes);
  app.route('/admin', adminRoutes);
  // A/B statistics, ground-truth feedback and the dashboard.
  app.route('/v1/models', abRoutes);
  app.route('/v1/feedback', feedbackRoutes);
  app.route('/dashboard', dashboardRoutes);
  // Text generation and scoring (decoder LMs).
  app.route('/v1/models', generateRoutes);
  app.route('/v1/models', scoreRoutes);
  app.route('/v1/completions', openaiCompletionRoutes);

  app.notFound((c) => {
    const message = `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`;
    return c.req.path.startsWith('/v2') ? c.json({ error: message }, 404) : c.json({ error: { code: 'route_not_found', message } }, 404);
  });

  // The one mapping from errors to responses: PareError keeps its status and code; anything else is a bug (500).
  app.onError((err, c) => {
    const known = isPareError(err);
    if (!known) console.error(`pare-edge: unexpected error on ${c.req.method} ${c.req.path}:`, err);
    const status = (known ? err.status : 500) as 400;
    const code = known ? err.code : 'internal';
    const message = known ? err.message : 'Internal error; the event was logged.';
    const response = c.req.path.startsWith('/v2') ? c.json({ error: message }, status) : c.json({ error: { code, message } }, status);
    // A lockout (src/http/authThrottle.ts) says when to come back.
    const retryAfter = known ? err.details?.retryAfterSeconds : undefined;
    if (typeof retryAfter === 'number') response.headers.set('retry-after', String(retryAfter));
    const variant = c.get('servedVariant');
    if (variant) response.headers.set('x-pare-variant', variant);
    return response;
  });
  return app;
}
