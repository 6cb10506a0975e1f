// GET /dashboard and its data and assets. Every data route checks the session cookie; without it the page
// is the login form and the data routes answer 401, so nothing about the models leaks.
import { Hono, type Context } from 'hono';
import { PareError } from '@pare/errors';
import type { AppContext } from '../env';
import { adminDisabledMessage, adminSecret } from '../http/adminSecret';
import { clientKey, lockedForSeconds, rateLimited } from '../http/authThrottle';
import { checkAdminToken } from '../http/bearerAuth';
import { parseStatsWindow } from '../metrics/statsWindow';
import { loadAbReport, positiveParam } from '../ab/loadAbReport';
import { dashboardPage } from './dashboardPage';
import { loadDashboardData } from './dashboardData';
import { DASHBOARD_CSP } from './layout';
import { loginPage } from './loginPage';
import { endSession, hasSession, startSession } from './session';
import { csrfMatches, csrfRefused, csrfToken, readForm } from './csrf';
import { DASHBOARD_ASSETS } from './staticAssets';
import { trafficActionRoutes } from './trafficActions';

export const dashboardRoutes = new Hono<AppContext>();

dashboardRoutes.use('*', async (c, next) => {
  await next();
  c.header('content-security-policy', DASHBOARD_CSP);
  c.header('x-content-type-options', 'nosniff');
  c.header('referrer-policy', 'no-referrer');
  if (!c.req.path.startsWith('/dashboard/assets/')) c.header('cache-control', 'no-store');
});

async function requireSession(c: Context<AppContext>): Promise<void> {
  adminSecret(c.env);
  if (!(await hasSession(c))) throw new PareError('unauthorized', 'Sign in at /dashboard first (the session cookie is missing or expired).', { status: 401 });
}

dashboardRoutes.get('/', async (c) => {
  const disabled = adminDisabledMessage(c.env.ADMIN_TOKEN);
  if (disabled) return c.html(loginPage({ disabled }), 503);
  if (!(await hasSession(c))) return c.html(loginPage({ csrf: csrfToken(c) }), 200);
  const window = parseStatsWindow(c.req.query('window'));
  const csrf = csrfToken(c);
  return c.html(dashboardPage(await loadDashboardData(c.env, window, Date.now(), csrf), new URL(c.req.url).origin, csrf));
});

// Order: a disabled token, then the client's lockout, then the form's CSRF token, then the admin token.
dashboardRoutes.post('/login', async (c) => {
  const disabled = adminDisabledMessage(c.env.ADMIN_TOKEN);
  if (disabled) return c.html(loginPage({ disabled }), 503);
  const secret = c.env.ADMIN_TOKEN!;
  const key = clientKey(c);
  const locked = lockedForSeconds(key);
  if (locked > 0) return c.html(loginPage({ csrf: csrfToken(c), error: rateLimited(locked).message }), 429, { 'retry-after': String(locked) });
  const form = await readForm(c);
  if (!(await csrfMatches(c, form))) return c.html(loginPage({ csrf: csrfToken(c), error: csrfRefused().message }), 403);
  if (!(await checkAdminToken(key, (form.get('token') ?? '').trim(), secret))) return c.html(loginPage({ csrf: csrfToken(c), error: 'That token is not the admin token.' }), 401);
  await startSession(c, secret);
  return c.redirect('/dashboard', 303);
});

// POST only (a link or an image cannot sign anyone out), with the same CSRF token as the login form.
dashboardRoutes.post('/logout', async (c) => {
  if (!(await csrfMatches(c, await readForm(c)))) throw csrfRefused();
  endSession(c);
  return c.redirect('/dashboard', 303);
});

dashboardRoutes.get('/data', async (c) => {
  await requireSession(c);
  return c.json(await loadDashboardData(c.env, parseStatsWindow(c.req.query('window')), Date.now(), csrfToken(c)));
});

dashboardRoutes.get('/ab', async (c) => {
  await requireSession(c);
  const model = c.req.query('model');
  if (!model) throw new PareError('input_invalid', 'Give the model: /dashboard/ab?model=<name>.', { status: 400, details: { field: 'model' } });
  return c.json(
    await loadAbReport(c.env, {
      model,
      a: c.req.query('a') || undefined,
      b: c.req.query('b') || undefined,
      window: parseStatsWindow(c.req.query('window')),
      minEffectPt: positiveParam('minEffectPt', c.req.query('minEffectPt'), 50),
      minLatencyPct: positiveParam('minLatencyPct', c.req.query('minLatencyPct'), 100),
      maxErrorRisePt: positiveParam('maxErrorRisePt', c.req.query('maxErrorRisePt'), 100),
    }),
  );
});

// Promote and roll back from the table (confirmation first, then the admin API).
dashboardRoutes.route('/models', trafficActionRoutes);

// Assets carry no data, so they need no session (the login page uses the stylesheet).
dashboardRoutes.get('/assets/:name', (c) => {
  const name = c.req.param('name');
  const asset = Object.hasOwn(DASHBOARD_ASSETS, name) ? DASHBOARD_ASSETS[name] : undefined;
  if (!asset) throw new PareError('route_not_found', `No dashboard asset "${c.req.param('name')}".`, { status: 404 });
  return c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'public, max-age=300' });
});
