// `pare eval <model.onnx> --reference <original.onnx>`: how close a compressed model stays to its original,
// in onnxruntime-node and in onnxruntime-web's wasm build (what the edge runs), and how fast each is.
import type { Command } from 'commander';
import { evaluateFidelity } from '@pare/compress';
import { nodeBackend } from '@pare/runtime/node';
import { webNodeBackend } from '@pare/runtime/web-node';
import { readModelFile } from '../shared/modelFile';
import { loadSamples } from '../shared/samples';
import { createProgress } from '../shared/progress';
import { parseDim, parsePositiveInt } from '../shared/parseArgs';
import { fidelityTable } from '../eval/fidelityTable';

interface EvalFlags {
  reference: string;
  inputs?: string;
  samples?: number;
  seed?: number;
  dim?: Record<string, number>;
  json?: boolean;
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('Compare a compressed model with its original in onnxruntime-node and onnxruntime-web (wasm)')
    .argument('<model.onnx>', 'the compressed (candidate) model')
    .requiredOption('--reference <original.onnx>', 'the original model to compare against')
    .option('--inputs <file>', 'sample inputs (JSON: { "samples": [ { "<input>": { "dims": [...], "data": [...] } } ], "labels"?: [...] }); generated from the model when absent')
    .option('--samples <n>', 'how many inputs to generate (default 4)', (v) => parsePositiveInt('--samples', v))
    .option('--seed <n>', 'seed of generated inputs (default 42)', (v) => parsePositiveInt('--seed', v))
    .option('--dim <name=size>', 'size of a named dynamic dimension for generated inputs (repeatable)', parseDim)
    .option('--json', 'print one JSON object')
    .action(async (file: string, flags: EvalFlags) => {
      const reference = await readModelFile(flags.reference, 'reference model');
      const candidate = await readModelFile(file, 'model');
      const samples = await loadSamples(reference.bytes, { inputsFile: flags.inputs, count: flags.samples, seed: flags.seed, dims: flags.dim });
      const progress = createProgress(!flags.json);
      progress.start(4, 'evaluating');
      const report = await evaluateFidelity(reference.bytes, candidate.bytes, samples.samples, [nodeBackend, webNodeBackend], {
        labels: samples.labels,
        onProgress: (done, _total, what) => progress.update(done, what),
      });
      progress.stop();
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ model: file, reference: flags.reference, inputs: samples.source, ...report })}\n`);
        return;
      }
      process.stdout.write(`${file} vs ${flags.reference}\ninputs: ${samples.source}\n${fidelityTable(report)}\n`);
    });
}
