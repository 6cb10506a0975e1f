// `pare inspect <model.onnx> [--json]`: what a model is made of (opsets, inputs/outputs, parameters by
// dtype, op counts, sparsity) before deciding how to compress it.
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { summarizeModel } from '@pare/onnx';
import { loadModelFile } from '@pare/onnx/node';
import { sha256Hex } from '@pare/runtime';
import type { InspectReport } from './inspectReport';
import { inspectText } from './inspectTable';

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
