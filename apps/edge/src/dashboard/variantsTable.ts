// The variants table of a model, rendered on the server (first paint and every refresh), with the promote
// buttons per variant and the roll-back button of the model: POST forms that carry the CSRF token and lead to
// a confirmation page (trafficActions.ts) before anything changes.
import { html } from 'hono/html';
import { csrfField } from './csrf';
import type { ParetoAxis } from './pareto';
import type { VariantFigures } from './variantFigures';
import { formatBytes, formatCount, formatMs, formatPct } from './format';

const AXIS_WORDS: Record<ParetoAxis, string> = { size: 'smaller', accuracy: 'at least as accurate', latency: 'as fast', errors: 'errs as little' };

function labelledCell(v: VariantFigures) {
  if (v.labelled.total === 0) return html`<td title="no feedback (POST /v1/feedback) for this variant in the window">—</td>`;
  return html`<td title="${v.labelled.correct} of ${v.labelled.total} labelled requests right">${formatPct(v.labelled.correct / v.labelled.total)} <small>of ${formatCount(v.labelled.total)}</small></td>`;
}

function promoteForm(model: string, v: VariantFigures, csrf: string) {
  if (v.weight === 100 || v.status !== 'healthy') return '';
  return html`<form method="post" action="/dashboard/models/${encodeURIComponent(model)}/promote" class="inline">${csrfField(csrf)}<input type="hidden" name="variant" value="${v.name}"><button type="submit" class="small" data-action="promote">promote</button></form>`;
}

export function variantsTable(model: string, variants: readonly VariantFigures[], options: { csrf: string; paretoAxes: readonly ParetoAxis[] }): string {
  const better = options.paretoAxes.map((a) => AXIS_WORDS[a]).join(', ');
  const rows = variants.map(
    (v) => html`<tr data-variant="${v.name}">
      <th scope="row">${v.name}${v.dominatedBy ? html` <span class="tag dominated" title="${v.dominatedBy} is ${better}">dominated</span>` : ''}${v.failing ? html` <span class="tag failing" title="${v.failing}">failing</span>` : ''}</th>
      <td>${formatBytes(v.bytes)}</td><td>${formatBytes(v.gzipBytes)}</td><td>${formatCount(v.parameters)}</td>
      <td>${formatPct(v.accuracy)}</td>${labelledCell(v)}<td>${v.fidelity === null ? '—' : v.fidelity.toFixed(4)}</td>
      <td>${v.weight}%</td>
      <td><span class="tag ${v.status}" title="${v.statusReason ?? ''}">${v.status}</span></td>
      <td>${formatCount(v.requests)}</td><td>${formatPct(v.errorRate, 2)}</td><td>${formatCount(v.clientErrors)}</td>
      <td>${formatMs(v.p50Ms)}</td><td>${formatMs(v.p95Ms)}</td><td>${formatMs(v.p99Ms)}</td>
      ${v.cpuP50Ms === null ? html`<td class="unavailable" title="the Tail Worker attributed no invocation to this variant in the window">unavailable</td>` : html`<td>${formatMs(v.cpuP50Ms)}</td>`}
      <td>${promoteForm(model, v, options.csrf)}</td>
    </tr>`,
  );
  return String(html`<div class="scroll"><table class="variants">
    <thead><tr><th scope="col">variant</th><th scope="col">size</th><th scope="col">gzip</th><th scope="col">params</th><th scope="col" title="held-out accuracy in the manifest (pare eval)">accuracy</th><th scope="col" title="accuracy on the requests labelled through POST /v1/feedback in this window">labelled acc.</th><th scope="col">fidelity</th><th scope="col">weight</th><th scope="col">health</th><th scope="col">requests</th><th scope="col">errors</th><th scope="col" title="requests refused as the caller's mistake (4xx); not in errors">4xx</th><th scope="col">p50</th><th scope="col">p95</th><th scope="col">p99</th><th scope="col" title="Tail Worker cpuTime, p50 per invocation">CPU p50</th><th scope="col"><span class="sr-only">actions</span></th></tr></thead>
    <tbody>${rows}</tbody></table></div>
    <p class="hint">Pareto front over ${options.paretoAxes.join(', ') || 'nothing yet'} (the axes every serving variant has)${variants.some((v) => v.failing) ? '; failing variants are kept out of it' : ''}.</p>
    <form method="post" action="/dashboard/models/${encodeURIComponent(model)}/rollback" class="inline">${csrfField(options.csrf)}<button type="submit" class="small" data-action="rollback">roll back traffic</button></form>`);
}
