// The page shown without a session: a form for the admin token, and nothing about the models.
import { html } from 'hono/html';
import { layout } from './layout';

export function loginPage(options: { error?: string; disabled?: boolean } = {}) {
  const body = options.disabled
    ? html`<main class="login"><h1>Pare dashboard</h1><p class="empty">The dashboard is disabled: set the ADMIN_TOKEN secret (<code>.dev.vars</code> locally, <code>wrangler secret put ADMIN_TOKEN</code> in production).</p></main>`
    : html`<main class="login">
  <h1>Pare dashboard</h1>
  <form method="post" action="/dashboard/login" class="card">
    <label for="token">Admin token</label>
    <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
    ${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
    <button type="submit">Sign in</button>
    <p class="hint">The token is in <code>.dev.vars</code> (<code>ADMIN_TOKEN=…</code>) when you run <code>npm run dev</code>.</p>
  </form>
</main>`;
  return layout('Pare dashboard: sign in', body);
}
