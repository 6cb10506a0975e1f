import { constantsToInitializers, type Graph, type Model } from '@pare/onnx';
import type { PassReport } from '../passReport';
import { foldBatchNorm } from './foldBatchNorm';
import { NameAllocator } from './graphEdit';

export interface QuantizationStart {
  model: Model;
  graph: Graph;
  report: PassReport;
  names: NameAllocator;
}

/**
 * What the weight-quantizing passes do first: a copy with Constant-node weights as initializers (those of
 * If/Loop/Scan bodies too, with `subgraphs`), an empty report, and (unless asked not to) BatchNormalization
 * folded into the Conv before it, so calibration and quantization see the same weights.
 */
export function startQuantization(model: Model, pass: string, reportOptions: Record<string, unknown>, options: { foldBatchNorm: boolean; subgraphs?: boolean }): QuantizationStart {
  const { model: out, report: moved } = constantsToInitializers(model, { subgraphs: options.subgraphs });
  const graph = out.graph!;
  const report: PassReport = { pass, options: reportOptions, tensors: [], skipped: [], notes: [] };
  if (moved.moved.length) report.notes.push(`${moved.moved.length} Constant-node weights moved to initializers first.`);
  const names = new NameAllocator(out);
  if (options.foldBatchNorm) {
    const folded = foldBatchNorm(graph, names);
    if (folded) report.notes.push(`${folded} BatchNormalization node(s) folded into the Conv before them.`);
  }
  return { model: out, graph, report, names };
}
