// `pare eval --data` as tables: the summary, precision/recall/F1 per class, and the confusion matrix.
import Table from 'cli-table3';
import type { EvalDataset } from './datasets';
import type { DataEvaluation } from './evaluateOnDataset';
import { PLAIN } from './fidelityTable';

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
const frac = (v: number) => v.toFixed(4);

export function datasetTables(report: DataEvaluation, dataset: EvalDataset, recordedAccuracy?: number): string {
  const correct = report.confusion.reduce((sum, row, i) => sum + row[i]!, 0);
  const hardFp = Math.round(report.hardHamFalsePositiveRate * report.hardHam);
  const summary = new Table({ style: PLAIN });
  summary.push(
    ['accuracy', `${pct(report.accuracy)} (${correct}/${report.labelled})`],
    ...(recordedAccuracy === undefined ? [] : [['accuracy in manifest', pct(recordedAccuracy)]]),
    [`precision (${report.positive})`, frac(report.precision)],
    [`recall (${report.positive})`, frac(report.recall)],
    [`F1 (${report.positive})`, frac(report.f1)],
    ['macro F1', frac(report.macroF1)],
    ['hard-ham false positives', `${pct(report.hardHamFalsePositiveRate)} (${hardFp}/${report.hardHam})`],
    ['throughput', `${Math.round(report.examplesPerSecond)} examples/s (${report.seconds.toFixed(2)} s)`],
  );

  const perClass = new Table({ head: ['class', 'precision', 'recall', 'F1', 'support'], style: PLAIN });
  for (const c of report.perClass) {
    perClass.push([c.label === report.positive ? `${c.label} (positive)` : c.label, frac(c.precision), frac(c.recall), frac(c.f1), String(c.support)]);
  }

  const confusion = new Table({ head: ['actual ↓ predicted →', ...report.labels], style: PLAIN });
  report.confusion.forEach((row, i) => confusion.push([report.labels[i]!, ...row.map(String)]));

  const title = `${dataset.name}, ${dataset.split} split (seed ${dataset.seed}), ${report.labelled} examples, ${report.runtime}`;
  return `${title}\n${summary.toString()}\n\n${perClass.toString()}\n\n${confusion.toString()}`;
}
