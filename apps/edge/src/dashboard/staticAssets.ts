// The browser assets of the dashboard, as strings bundled into the worker (wrangler.toml Text rule).
// chart.js is imported by relative path because its package exports map does not list the UMD build;
// npm workspaces hoist it to the repository's node_modules.
import chartJs from '../../../../node_modules/chart.js/dist/chart.umd.min.js';
import clientJs from './assets/dashboard.client.js';
import css from './assets/dashboard.client.css';

export const DASHBOARD_ASSETS: Record<string, { body: string; type: string }> = {
  'chart.umd.min.js': { body: chartJs, type: 'text/javascript; charset=utf-8' },
  'dashboard.js': { body: clientJs, type: 'text/javascript; charset=utf-8' },
  'dashboard.css': { body: css, type: 'text/css; charset=utf-8' },
};
