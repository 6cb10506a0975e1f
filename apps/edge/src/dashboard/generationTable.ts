// A text-generation model's second table, under its variants table: per variant, how it generated in the window
// (time to first token p50/p95, mean decode tokens/s, mean tokens per request). Rendered on the server, as the first.
import { html } from 'hono/html';
import type { VariantFigures } from './variantFigures';
import { formatCount, formatMs } from './format';

const mean = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : v.toFixed(1));

export function generationTable(variants: readonly VariantFigures[]): string {
  const rows = variants.map((v) => {
    const g = v.generation;
    return html`<tr data-variant="${v.name}"><th scope="row">${v.name}</th><td>${formatCount(g?.generations ?? 0)}</td><td>${formatMs(g?.ttftP50Ms ?? null)}</td><td>${formatMs(g?.ttftP95Ms ?? null)}</td><td>${mean(g?.tokensPerSecondMean)}</td><td>${mean(g?.tokensPerRequestMean)}</td></tr>`;
  });
  return String(html`<div class="scroll"><table class="variants generation">
    <thead><tr><th scope="col">variant</th><th scope="col">generations</th><th scope="col" title="time to first token, from the generation's start (prompt encoding included)">TTFT p50</th><th scope="col">TTFT p95</th><th scope="col" title="mean decode speed: tokens after the first, per second after it">tokens/s</th><th scope="col">tokens/request</th></tr></thead>
    <tbody>${rows}</tbody></table></div>`);
}
