// The evaluation report as a table: one column per runtime, one row per measure.
import Table from 'cli-table3';
import type { FidelityReport } from '@pare/compress';

export const PLAIN = { head: [], border: [] };
const num = (v: number, digits = 4) => (!Number.isFinite(v) ? String(v) : v !== 0 && Math.abs(v) < 0.01 ? v.toExponential(2) : v.toFixed(digits));
const ms = (v: number) => `${v.toFixed(2)} ms`;

/** `note`, when given, is printed on its own line under the table. */
export function fidelityTable(report: FidelityReport, note?: string): string {
  const table = new Table({ head: ['', ...report.backends.map((b) => b.backend)], style: PLAIN });
  const row = (label: string, cell: (b: FidelityReport['backends'][number]) => string) => table.push([label, ...report.backends.map(cell)]);
  row('cosine mean', (b) => num(b.overall.cosineMean, 6));
  row('cosine min', (b) => num(b.overall.cosineMin, 6));
  row('max abs error', (b) => num(b.overall.maxAbsError));
  row('max rel error', (b) => num(b.overall.maxRelError));
  if (report.backends.some((b) => b.overall.top1Agreement !== undefined)) {
    row('top-1 agreement', (b) => (b.overall.top1Agreement === undefined ? '–' : `${(b.overall.top1Agreement * 100).toFixed(1)}%`));
  }
  if (report.backends.some((b) => b.accuracy)) {
    row('accuracy ref → cand', (b) => (b.accuracy ? `${pct(b.accuracy.reference)} → ${pct(b.accuracy.candidate)}` : '–'));
  }
  row('latency ref / run', (b) => ms(b.reference.runMs));
  row('latency cand / run', (b) => ms(b.candidate.runMs));
  row('latency ratio', (b) => `${b.latencyRatio.toFixed(2)}×`);
  row('load ref → cand', (b) => `${ms(b.reference.loadMs)} → ${ms(b.candidate.loadMs)}`);
  return note ? `${table.toString()}\n${note}` : table.toString();
}

function pct(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}
