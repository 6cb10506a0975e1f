// The variants table of a model, rendered on the server (first paint and every refresh).
import { html } from 'hono/html';
import type { VariantFigures } from './variantFigures';
import { formatBytes, formatCount, formatMs, formatPct } from './format';

export function variantsTable(variants: readonly VariantFigures[]): string {
  const rows = variants.map(
    (v) => html`<tr data-variant="${v.name}">
      <th scope="row">${v.name}${v.dominatedBy ? html` <span class="tag dominated" title="${v.dominatedBy} is smaller, at least as accurate and as fast">dominated</span>` : ''}</th>
      <td>${formatBytes(v.bytes)}</td><td>${formatBytes(v.gzipBytes)}</td><td>${formatCount(v.parameters)}</td>
      <td>${formatPct(v.accuracy)}</td><td>${v.fidelity === null ? '—' : v.fidelity.toFixed(4)}</td>
      <td>${v.weight}%</td>
      <td><span class="tag ${v.status}" title="${v.statusReason ?? ''}">${v.status}</span></td>
      <td>${formatCount(v.requests)}</td><td>${formatPct(v.errorRate, 2)}</td><td>${formatCount(v.clientErrors)}</td>
      <td>${formatMs(v.p50Ms)}</td><td>${formatMs(v.p95Ms)}</td><td>${formatMs(v.p99Ms)}</td>
    </tr>`,
  );
  return String(html`<div class="scroll"><table class="variants">
    <thead><tr><th scope="col">variant</th><th scope="col">size</th><th scope="col">gzip</th><th scope="col">params</th><th scope="col">accuracy</th><th scope="col">fidelity</th><th scope="col">weight</th><th scope="col">health</th><th scope="col">requests</th><th scope="col">errors</th><th scope="col" title="requests refused as the caller's mistake (4xx); not in errors">4xx</th><th scope="col">p50</th><th scope="col">p95</th><th scope="col">p99</th></tr></thead>
    <tbody>${rows}</tbody></table></div>`);
}
