// `pare inspect <model.onnx> [--json]`: what a model is made of (opsets, inputs/outputs, parameters by
// dtype, op counts, sparsity) before deciding how to compress it. Given a Hugging Face or variant folder, it
// also shows what Pare would serve from it (../folder/folderReport.ts).
import path from 'node:path';
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { summarizeModel } from '@pare/onnx';
import { loadModelFile } from '@pare/onnx/node';
import { sha256Hex } from '@pare/runtime';
import { folderReport, folderText } from '../folder/folderReport';
import { isFolder } from '../folder/isFolder';
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
    .argument('<model.onnx|folder>', 'the model to inspect, or a Hugging Face export / variant folder')
    .option('--json', 'print one JSON object')
    .action(async (file: string, flags: { json?: boolean }) => {
      const folder = isFolder(file) ? (await folderReport(file)).report : undefined;
      const report = await inspectModel(folder ? path.join(file, folder.modelFile) : file);
      if (flags.json) process.stdout.write(`${JSON.stringify(folder ? { ...report, folder } : report, null, 2)}\n`);
      else process.stdout.write(folder ? `${folderText(folder)}\n${inspectText(report)}` : inspectText(report));
    });
}
