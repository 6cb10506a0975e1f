// The dashboard page: one section per model with its variants table (server-rendered), three charts and the
// A/B panel. The first window's data rides along as JSON so the charts draw without a second request;
// the page's script (assets/dashboard.client.js) redraws everything from /dashboard/data on refresh.
import { html, raw } from 'hono/html';
import { layout } from './layout';
import { csrfField } from './csrf';
import type { DashboardData, ModelDashboard } from './dashboardData';
import { STATS_WINDOWS } from '../metrics/statsWindow';

/** JSON inside a <script> element: escape "<" so a name like "</script>" cannot end it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function modelSection(m: ModelDashboard, origin: string) {
  const options = m.variants.map((v) => html`<option value="${v.name}">${v.name}</option>`);
  return html`<section class="model card" data-model="${m.name}">
  <h2>${m.name} <small>${m.task} · deployment v${m.deploymentVersion} · <span data-field="requests">${m.requests}</span> requests in window</small></h2>
  <p class="outage" data-field="unserved" ${m.unservedRequests > 0 ? '' : 'hidden'}>${m.unservedRequests} requests in this window found no healthy variant (503): the model was down for them.</p>
  <p class="empty" data-empty="traffic" ${m.requests > 0 ? 'hidden' : ''}>No traffic in this window yet: send a request, e.g.
    <code>curl -X POST ${origin}/v1/models/${m.name}/predict -H 'content-type: application/json' -d '${m.task === 'text-classification' ? '{"text":"hello"}' : '{"inputs":{…}}'}'</code>, or pick a longer window.</p>
  <div data-slot="table">${raw(m.tableHtml)}</div>
  <div class="charts" ${m.requests > 0 ? '' : 'hidden'}>
    <figure><figcaption>Latency over time, one colour per variant: p50 solid, p95 dashed, p99 dotted; <span data-field="slot"></span></figcaption><div class="canvas-box"><canvas data-chart="series" aria-label="Latency over time"></canvas></div></figure>
    <figure><figcaption>Latency histogram, share of requests per bucket (overlaid)</figcaption><div class="canvas-box"><canvas data-chart="histogram" aria-label="Latency histograms"></canvas></div></figure>
    <figure><figcaption>Size vs accuracy; point size = p50 latency; dashed line = Pareto front over <span data-field="pareto-axes">${m.paretoAxes.join(', ')}</span>; hollow = dominated, cross = failing (kept out)</figcaption><div class="canvas-box"><canvas data-chart="scatter" aria-label="Size, accuracy and latency"></canvas></div>
      <p class="empty" data-empty="accuracy" hidden>No accuracy or fidelity in these manifests: measure with <code>pare eval</code> and redeploy the variant with <code>metrics.accuracy</code> in its manifest.</p></figure>
  </div>
  <section class="ab" ${m.variants.length < 2 ? 'hidden' : ''}>
    <h3>A/B comparison</h3>
    <form class="ab-form">
      <label>baseline <select name="a"><option value="">auto: top 2 by traffic</option>${options}</select></label>
      <label>candidate <select name="b"><option value="">auto</option>${options}</select></label>
      <label>smallest accuracy loss to detect <span class="unit"><input name="minEffectPt" type="number" min="0.1" max="50" step="0.1" value="1"> pt</span></label>
      <label>smallest latency change <span class="unit"><input name="minLatencyPct" type="number" min="0.5" max="100" step="0.5" value="5"> %</span></label>
      <label>guardrail: largest error-rate rise <span class="unit"><input name="maxErrorRisePt" type="number" min="0.1" max="100" step="0.1" value="1"> pt</span></label>
      <button type="submit">Compare</button>
    </form>
    <p class="hint">Guardrails first: an accuracy loss beyond the smallest accuracy loss above, or an error-rate rise beyond its margin, leads the verdict. Error rate and mean latency are analysed per assignment unit (hash buckets of the unit id), not per request.</p>
    <p class="verdict" data-field="verdict" aria-live="polite">Computing…</p>
    <p class="srm" data-field="srm"></p>
    <div class="scroll" data-slot="ab-figures"></div>
    <p class="hint" data-field="design"></p>
  </section>
  ${m.variants.length < 2 ? html`<p class="empty">One variant only: deploy a second (for example <code>pare compress</code> then <code>pare deploy … --variant int8 --weight 50</code>) to compare sizes.</p>` : ''}
</section>`;
}

/** `csrf` goes into the sign-out form (src/dashboard/csrf.ts). */
export function dashboardPage(data: DashboardData, origin: string, csrf: string) {
  const windows = Object.keys(STATS_WINDOWS).map((w) => html`<button type="button" data-window="${w}" aria-pressed="${w === data.window ? 'true' : 'false'}">${w}</button>`);
  const body = html`<header class="top">
  <h1>Pare <span>latency &amp; A/B</span></h1>
  <nav class="controls" aria-label="Window">
    <span class="windows">${windows}</span>
    <button type="button" data-action="refresh">Refresh</button>
    <label class="auto"><input type="checkbox" data-action="auto" checked> auto</label>
    <span class="updated" data-field="updated"></span>
    <form method="post" action="/dashboard/logout">${csrfField(csrf)}<button type="submit" class="link">Sign out</button></form>
  </nav>
</header>
<main id="models">
  ${data.models.length === 0 ? html`<p class="empty card" data-empty="models">No models deployed yet: run <code>npm run dev</code> (it deploys a default model with two variants) or <code>pare deploy model.onnx --model &lt;name&gt; --variant &lt;v&gt;</code>.</p>` : ''}
  ${data.models.map((m) => modelSection(m, origin))}
  <p class="hint">Latency is in-isolate wall time per request (exact in local workerd; production Workers advance timers only at I/O, so pure compute reads low there: the CPU p50 column is the Tail Worker's cpuTime per invocation, "unavailable" where no Tail Worker data names the variant).</p>
</main>
<script type="application/json" id="initial-data">${raw(scriptJson(data))}</script>`;
  return layout('Pare dashboard', body, ['/dashboard/assets/chart.umd.min.js', '/dashboard/assets/dashboard.js']);
}
