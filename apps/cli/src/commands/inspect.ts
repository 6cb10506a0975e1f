// `pare inspect <model.onnx> [--json]`: what a model is made of (opsets, inputs/outputs, parameters by
// dtype, op counts, sparsity) before deciding how to compress it.
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { summarizeModel, type InexactInteger, type ModelSummary, type UnknownField } from '@pare/onnx';
import { loadModelFile } from '@pare/onnx/node';
import { sha256Hex } from '@pare/runtime';
import { inspectText } from './inspectTable';

export interface InspectReport {
  file: string;
  /** Size of the model file itself (external data not included). */
  bytes: number;
  /** Of the model's bytes (with external data inlined, when it had any): what a variant manifest records. */
  sha256: string;
  summary: ModelSummary;
  unknownFields: UnknownField[];
  inexactIntegers: InexactInteger[];
  externalFiles: string[];
}

export async function inspectModel(file: string): Promise<InspectReport> {
  const loaded = await loadModelFile(file);
  return {
    file,
    bytes: (await stat(file)).size,
    sha256: await sha256Hex(loaded.bytes),
    summary: summarizeModel(loaded.model),
    unknownFields: loaded.unknownFields,
    inexactIntegers: loaded.inexactIntegers,
    externalFiles: loaded.externalFiles,
  };
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('Show what a model is made of: opsets, inputs/outputs, parameters by dtype, op counts, sparsity')
    .argument('<model.onnx>', 'the model to inspect')
    .option('--json', 'print one JSON object')
    .action(async (file: string, flags: { json?: boolean }) => {
      const report = await inspectModel(file);
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : inspectText(report));
    });
}
