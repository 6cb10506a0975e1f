// The compress report as tables for a terminal.
import Table from 'cli-table3';
import { formatBytes } from '@pare/compress';
import { PLAIN, fidelityTable } from '../eval/fidelityTable';
import type { CompressReport } from './compressReport';

/** `fidelityNote` goes under the fidelity table (int8FidelityNote). */
export function compressTable(r: CompressReport, fidelityNote?: string): string {
  const out: string[] = [`${r.input} → ${r.output}  (${r.configuration})`];
  if (r.calibration) out.push(`calibration: ${r.calibration}`);
  const sizes = new Table({ head: ['', 'before', 'after', 'after ÷ input raw'], style: PLAIN });
  sizes.push(['size', formatBytes(r.before.bytes), formatBytes(r.after.bytes), r.ratio.raw.toFixed(3)]);
  sizes.push(['gzipped', formatBytes(r.before.gzipBytes), formatBytes(r.after.gzipBytes), r.ratio.gzip.toFixed(3)]);
  sizes.push(['weight sparsity', '', `${(r.sparsity * 100).toFixed(1)}%`, '']);
  out.push(sizes.toString());
  if (r.fit) {
    const ppl = r.fit.perplexity;
    const fit = new Table({ head: ['fit candidate', 'size', 'gzipped', 'wasm ms', 'fits', 'cosine mean', 'cosine min', 'top-1', ...(ppl ? ['perplexity', '× original'] : [])], style: PLAIN });
    for (const c of r.fit.candidates) {
      const f = c.fidelity;
      fit.push([c.label, c.error ? 'error' : formatBytes(c.bytes), c.error ? '' : formatBytes(c.gzipBytes), c.latencyMs === undefined ? '' : c.latencyMs.toFixed(2), c.error ? c.error.slice(0, 40) : c.fits ? 'yes' : 'no',
        f?.cosineMean.toFixed(6) ?? '', f?.cosineMin.toFixed(6) ?? '', f?.top1Agreement === undefined ? '' : `${(f.top1Agreement * 100).toFixed(1)}%`,
        ...(ppl ? [c.perplexity?.perplexity.toFixed(3) ?? '', c.perplexity?.ratio.toFixed(4) ?? ''] : [])]);
    }
    const floor = r.fit.minFidelity !== undefined ? `, mean cosine ≥ ${r.fit.minFidelity}` : '';
    const budgets = [
      ...(r.fit.maxBytes !== undefined ? [`${formatBytes(r.fit.maxBytes)} ${r.fit.gzip ? 'gzipped' : 'raw'}`] : []),
      ...(r.fit.maxLatencyMs !== undefined ? [`${r.fit.maxLatencyMs} ms per run in wasm`] : []),
      ...(ppl ? [`perplexity ≤ ${(1 + ppl.maxIncrease).toFixed(4)} × the original's ${ppl.reference.toFixed(3)}, smallest wins`] : []),
    ];
    if (ppl) out.push(`perplexity measured on ${ppl.texts.source}${ppl.texts.representative ? ` (${ppl.texts.count} texts)` : ''}`);
    const ranked = ppl ? `cosine on ${r.fit.inputs} inputs` : `candidates ranked on ${r.fit.inputs} inputs`;
    const timedNote = r.fit.candidates.some((c) => c.latencyMs !== undefined) ? '; wasm ms: onnxruntime-web, one thread, as served' : '';
    out.push(`budget ${budgets.join(' and ')}${floor}; ${ranked}${timedNote}`, fit.toString());
    const mixed = r.fit.mixedPrecision;
    if (mixed?.chosen?.keptFp32?.length) {
      out.push(`mixed precision over ${mixed.base} (${mixed.evaluations} evaluations): kept in fp32`);
      for (const k of mixed.chosen.keptFp32) out.push(`  ${k.name}: ${k.reason}`);
    } else if (mixed?.note) {
      out.push(`mixed precision over ${mixed.base}: ${mixed.note}`);
    }
  }
  const steps = new Table({ head: ['step', 'time', 'tensors', 'skipped'], style: PLAIN });
  for (const s of r.steps) steps.push([s.step, `${s.ms.toFixed(0)} ms`, s.tensors ?? '', s.skipped ?? '']);
  // Without evaluation (--no-eval) the total is the compression alone: the row must not claim otherwise.
  steps.push([r.fidelity ? 'total, with evaluation' : 'total', `${r.totalMs.toFixed(0)} ms`, '', '']);
  out.push(steps.toString());
  if (r.fidelity) out.push(`fidelity to the input, on ${r.fidelity.inputsKind} inputs (${r.fidelity.inputs})`, fidelityTable(r.fidelity, fidelityNote));
  return out.join('\n');
}
