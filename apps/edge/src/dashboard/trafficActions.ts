// POST /dashboard/models/:model/promote and /rollback: the table's buttons. Each asks for confirmation first
// (a page that says what will change, with a second form), then acts through the admin API (adminForward.ts).
// Both need the dashboard session and the form's CSRF token, as sign-out does.
import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import type { DeploymentResponse, RollbackResponse } from '@pare/clients/wire';
import { createDb, currentDeployment } from '@pare/db';
import type { AppContext } from '../env';
import { adminSecret } from '../http/adminSecret';
import { callAdmin } from './adminForward';
import { csrfField, csrfMatches, csrfRefused, csrfToken, readForm } from './csrf';
import { layout } from './layout';
import { hasSession } from './session';

export const trafficActionRoutes = new Hono<AppContext>();

const weightsText = (w: Record<string, number>): string => Object.entries(w).map(([v, x]) => `${v}=${x}`).join(' ');

async function checkedForm(c: Context<AppContext>): Promise<{ form: URLSearchParams; secret: string } | Response> {
  const secret = adminSecret(c.env);
  if (!(await hasSession(c))) return c.redirect('/dashboard', 303);
  const form = await readForm(c);
  if (!(await csrfMatches(c, form))) throw csrfRefused();
  return { form, secret };
}

function confirmPage(c: Context<AppContext>, o: { title: string; question: string; action: string; hidden: Record<string, string>; button: string }) {
  const fields = Object.entries(o.hidden).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`);
  return c.html(
    layout(o.title, html`<main class="login"><h1>${o.title}</h1>
  <form method="post" action="${o.action}" class="card confirm">
    ${csrfField(csrfToken(c))}${fields}<input type="hidden" name="confirm" value="yes">
    <p>${o.question}</p>
    <button type="submit" data-action="confirm">${o.button}</button>
    <a href="/dashboard">Cancel</a>
  </form></main>`),
  );
}

function donePage(c: Context<AppContext>, title: string, text: string) {
  return c.html(layout(title, html`<main class="login"><h1>${title}</h1><p class="card" role="status" data-field="done">${text}</p><p><a href="/dashboard">Back to the dashboard</a></p></main>`));
}

trafficActionRoutes.post('/:model/promote', async (c) => {
  const checked = await checkedForm(c);
  if (checked instanceof Response) return checked;
  const model = c.req.param('model');
  const variant = checked.form.get('variant') ?? '';
  if (checked.form.get('confirm') !== 'yes') {
    const current = await currentDeployment(createDb(c.env.DB), model);
    return confirmPage(c, {
      title: `Promote ${variant}?`,
      question: `Give ${variant} 100% of ${model}'s traffic? Now: ${current ? weightsText(current.weights) : 'no traffic set'}. Roll back restores the current split.`,
      action: `/dashboard/models/${encodeURIComponent(model)}/promote`,
      hidden: { variant },
      button: `Promote ${variant}`,
    });
  }
  const { deployment } = await callAdmin<DeploymentResponse>(c, checked.secret, 'POST', `/models/${encodeURIComponent(model)}/promote`, { variant });
  return donePage(c, `Promoted ${variant}`, `${model}: traffic ${weightsText(deployment.weights)} (deployment version ${deployment.version}).`);
});

trafficActionRoutes.post('/:model/rollback', async (c) => {
  const checked = await checkedForm(c);
  if (checked instanceof Response) return checked;
  const model = c.req.param('model');
  if (checked.form.get('confirm') !== 'yes') {
    const current = await currentDeployment(createDb(c.env.DB), model);
    return confirmPage(c, {
      title: `Roll back ${model}?`,
      question: `Undo ${model}'s last traffic change (now ${current ? `${weightsText(current.weights)}, version ${current.version}` : 'no traffic set'}) and restore the split before it?`,
      action: `/dashboard/models/${encodeURIComponent(model)}/rollback`,
      hidden: {},
      button: 'Roll back',
    });
  }
  const { deployment } = await callAdmin<RollbackResponse>(c, checked.secret, 'POST', `/models/${encodeURIComponent(model)}/rollback`);
  return donePage(c, `Rolled back ${model}`, `${model}: traffic ${weightsText(deployment.weights)} again (deployment version ${deployment.version}).`);
});
