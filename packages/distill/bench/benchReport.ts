// bench-results/distill.md: the table BENCHMARKS.md takes for the default spam model.

export interface VariantRow {
  variant: string;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  hardHamFpr: number;
  parameters: number;
  bytes: number;
  gzipBytes: number;
  wasmMs: number;
  /** Teacher wasm latency / this variant's. */
  speedup: number;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const kb = (b: number) => `${(b / 1024).toFixed(0)} KiB`;

export function benchMarkdown(rows: VariantRow[], meta: { command: string; seconds: number; datasetChecksum: string; testExamples: number; hardHam: number; seed: number; temperature: number; alpha: number; machine: string }): string {
  const lines = [
    '# Distillation: the default spam model',
    '',
    `Reproduce: \`${meta.command}\` (seed ${meta.seed}, KD T=${meta.temperature}, alpha=${meta.alpha}; whole run ${meta.seconds.toFixed(0)} s on ${meta.machine}).`,
    `Held-out test split of SpamAssassin: ${meta.testExamples} emails (${meta.hardHam} hard ham); dataset ${meta.datasetChecksum}.`,
    'Latency: onnxruntime-web 1.30 wasm under Node, 1 thread, batch 1, one test email padded to the model length; median of',
    'interleaved rounds measured side by side in the same run; speed-up is teacher latency / variant latency.',
    '',
    '| variant | accuracy | spam precision | spam recall | spam F1 | hard-ham FP rate | params | size | gzip | wasm ms | speed-up |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.variant} | ${pct(r.accuracy)} | ${pct(r.precision)} | ${pct(r.recall)} | ${r.f1.toFixed(4)} | ${pct(r.hardHamFpr)} | ${r.parameters.toLocaleString('en-US')} | ${kb(r.bytes)} | ${kb(r.gzipBytes)} | ${r.wasmMs.toFixed(3)} | ${r.speedup.toFixed(2)}x |`),
    '',
  ];
  return lines.join('\n');
}
