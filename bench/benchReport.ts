// Markdown for bench-results/compress.md: the issue's target table first, then every variant measured.
import { formatBytes } from '@pare/compress';

export interface VariantResult {
  label: string;
  source: 'pare' | 'onnxruntime' | string;
  bytes: number;
  gzipBytes: number;
  /** Time to produce the variant (calibration included), seconds. */
  seconds: number;
  cosineMean: number;
  cosineMin: number;
  maxAbsError: number;
  webCosineMean: number;
  top1?: number;
  nodeLatencyRatio: number;
  webLatencyRatio: number;
  webFp32Ms: number;
  webMs: number;
}

export interface ModelResult {
  name: string;
  kind: string;
  file: string;
  fp32Bytes: number;
  fp32GzipBytes: number;
  inputShape: number[];
  variants: VariantResult[];
  errors: string[];
}

export interface ReportContext {
  ortNote?: string;
  command: string;
  machine: string;
  seconds: number;
  perChannel: boolean;
  calibrationSamples: number;
  evalSamples: number;
  /** Hand-written analysis appended verbatim (bench/compressNotes.md). */
  notes?: string;
}

const f3 = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(3));
const f5 = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(6));
/** Equal to the six printed decimals counts as "≥": the last digits are float noise between runtimes' kernels. */
const atLeast = (a: number, b: number) => a >= b - 5e-7;

export function renderReport(results: ModelResult[], ctx: ReportContext): string {
  const lines: string[] = [];
  const hasOrt = !ctx.ortNote;
  lines.push('# Compression benchmark', '');
  lines.push(`Reproduce: \`${ctx.command}\` (from the repository root; ${ctx.machine}; took ${ctx.seconds.toFixed(0)} s).`, '');
  lines.push(
    `Pare's passes and onnxruntime's own Python quantizer (\`quantize_dynamic\`, \`quantize_static\` with QDQ, MinMax, ` +
    `QUInt8 activations, QInt8 weights, per-channel ${ctx.perChannel}) run on the same models in the same run; every variant is evaluated ` +
    `against the fp32 model on the same ${ctx.evalSamples} inputs in onnxruntime-node and onnxruntime-web 1.30 (wasm, 1 thread, under Node). ` +
    `Static quantization of both tools calibrates on the same ${ctx.calibrationSamples} inputs. OCR inputs are synthetic pages of dark ` +
    'text-like strokes (seeded), normalised as PP-OCR does: uniform noise leaves a text detector\'s output at ~0 and makes fidelity meaningless.',
    '',
  );
  if (!hasOrt) lines.push(`**onnxruntime column left out:** ${ctx.ortNote}.`, '');
  lines.push(
    'Latency ratios come from alternating fp32 and int8 runs on the same input (median of the per-pair ratios), so ' +
    'both sides see the same load on a shared machine; absolute milliseconds are only indicative. The onnxruntime ' +
    'quantizer is given the model with Constant-node weights moved to initializers (lossless; it refuses them otherwise).',
    '',
  );
  lines.push('## Targets', '');
  lines.push(`| what | target | model | Pare | ${hasOrt ? 'onnxruntime quantizer | ' : ''}met |`);
  lines.push(`|---|---|---|---|${hasOrt ? '---|' : ''}---|`);
  const row = (what: string, target: string, model: string, pare: string, ort: string, met: boolean | undefined) =>
    lines.push(`| ${what} | ${target} | ${model} | ${pare} | ${hasOrt ? `${ort} | ` : ''}${met === undefined ? '–' : met ? 'yes' : '**no**'} |`);
  for (const r of results) {
    const pare = (label: string) => r.variants.find((v) => v.source === 'pare' && v.label === label);
    const ort = (label: string) => r.variants.find((v) => v.source === 'onnxruntime' && v.label === label);
    const smallest = (source: string, labels: string[]) =>
      r.variants.filter((v) => v.source === source && labels.includes(v.label)).sort((a, b) => a.bytes - b.bytes)[0];
    const int8Labels = ['int8-dynamic', 'int8-static', 'int8-weights'];
    const ps = smallest('pare', int8Labels), os_ = smallest('onnxruntime', int8Labels);
    const sizeRatio = ps ? ps.bytes / r.fp32Bytes : undefined;
    row('int8 size / fp32 size (smallest int8 form)', '≤ 0.27', r.name, ps ? `${f3(sizeRatio)} (${ps.label})` : '–', os_ ? `${f3(os_.bytes / r.fp32Bytes)} (${os_.label})` : '–', sizeRatio === undefined ? undefined : sizeRatio <= 0.27);
    const p50 = r.variants.filter((v) => v.source === 'pare' && v.label.startsWith('p50')).sort((a, b) => a.gzipBytes - b.gzipBytes)[0];
    const gz = p50 ? p50.gzipBytes / r.fp32Bytes : undefined;
    row('pruned 50% + int8, gzipped / fp32', '≤ 0.15', r.name, p50 ? `${f3(gz)} (${p50.label}, cosine ${f3(p50.cosineMean)})` : '–', 'no pruning', gz === undefined ? undefined : gz <= 0.15);
    for (const mode of ['int8-dynamic', 'int8-static']) {
      const p = pare(mode), o = ort(mode);
      row(`fidelity, mean output cosine (${mode})`, '≥ onnxruntime', r.name, f5(p?.cosineMean), f5(o?.cosineMean), p && o ? atLeast(p.cosineMean, o.cosineMean) : undefined);
    }
    for (const mode of ['int8-static', 'int8-dynamic']) {
      const p = pare(mode), o = ort(mode);
      row(`int8 / fp32 latency in onnxruntime-web (${mode})`, mode === 'int8-static' ? '≤ 1.0' : '≤ 1.0 (conv: use QDQ)', r.name, f3(p?.webLatencyRatio), f3(o?.webLatencyRatio), p ? p.webLatencyRatio <= 1 : undefined);
    }
    for (const mode of ['int8-dynamic', 'int8-static']) {
      const p = pare(mode), o = ort(mode);
      const ratio = p && o ? p.seconds / o.seconds : undefined;
      row(`compress time / onnxruntime quantizer time (${mode})`, '≤ 2', r.name, p ? `${p.seconds.toFixed(2)} s` : '–', o ? `${o.seconds.toFixed(2)} s → ratio ${f3(ratio)}` : '–', ratio === undefined ? undefined : ratio <= 2);
    }
  }
  lines.push('', '## Every variant', '');
  for (const r of results) {
    lines.push(`### ${r.name} (${r.kind}; \`${r.file}\`, ${formatBytes(r.fp32Bytes)}, ${formatBytes(r.fp32GzipBytes)} gzipped; input [${r.inputShape.join('×')}])`, '');
    lines.push('| variant | by | size | / fp32 | gzipped / fp32 | cosine mean (node) | cosine min | max abs err | cosine mean (wasm) | top-1 agree | wasm ms fp32 → int8 | wasm ratio | node ratio | made in |');
    lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const v of r.variants) {
      lines.push(`| ${v.label} | ${v.source} | ${formatBytes(v.bytes)} | ${f3(v.bytes / r.fp32Bytes)} | ${f3(v.gzipBytes / r.fp32Bytes)} | ${f5(v.cosineMean)} | ${f5(v.cosineMin)} | ${v.maxAbsError.toPrecision(3)} | ${f5(v.webCosineMean)} | ${v.top1 === undefined ? '–' : `${(v.top1 * 100).toFixed(1)}%`} | ${v.webFp32Ms.toFixed(1)} → ${v.webMs.toFixed(1)} | ${f3(v.webLatencyRatio)} | ${f3(v.nodeLatencyRatio)} | ${v.seconds.toFixed(2)} s |`);
    }
    if (r.errors.length) lines.push('', ...r.errors.map((e) => `- failed: ${e.replace(/\n/g, ' ').slice(0, 300)}`));
    lines.push('');
  }
  if (ctx.notes) lines.push(ctx.notes.trim(), '');
  return `${lines.join('\n')}\n`;
}
