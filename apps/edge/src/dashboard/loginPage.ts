// The page shown without a session: a form for the admin token, and nothing about the models.
import { html } from 'hono/html';
import { layout } from './layout';
import { csrfField } from './csrf';

/** `disabled` is why the admin token cannot be used (src/http/adminSecret.ts); otherwise `csrf` goes in the form. */
export function loginPage(options: { csrf?: string; error?: string; disabled?: string } = {}) {
  const body = options.disabled !== undefined
    ? html`<main class="login"><h1>Pare dashboard</h1><p class="empty" data-code="admin_disabled">${options.disabled}</p></main>`
    : html`<main class="login">
  <h1>Pare dashboard</h1>
  <form method="post" action="/dashboard/login" class="card">
    ${csrfField(options.csrf ?? '')}
    <label for="token">Admin token</label>
    <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
    ${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
    <button type="submit">Sign in</button>
    <p class="hint">The token is in <code>.dev.vars</code> (<code>ADMIN_TOKEN=…</code>) when you run <code>npm run dev</code>.</p>
  </form>
</main>`;
  return layout('Pare dashboard: sign in', body);
}
