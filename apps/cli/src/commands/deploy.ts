// `pare deploy <model.onnx> --model <m> --variant <v> [--manifest <file>] [--weight <0..100>]`: upload a
// variant to the edge (the worker checks the sha256 and that it loads in onnxruntime-web before accepting it).
import path from 'node:path';
import type { Command } from 'commander';
import { PareError } from '@pare/errors';
import { readModelFile } from '../shared/modelFile';
import { edgeClient, printJson, withEdgeOptions, type EdgeFlags } from '../edge/edgeOptions';
import { manifestFromFile, manifestFromModel } from '../edge/variantManifestFor';

interface DeployFlags extends EdgeFlags {
  model: string;
  variant: string;
  manifest?: string;
  weight?: string;
}

function parseWeight(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 100) throw new PareError('weights_invalid', `--weight must be an integer from 0 to 100, got "${text}".`);
  return n;
}

export function registerDeploy(program: Command): void {
  withEdgeOptions(
    program
      .command('deploy')
      .description('Upload a model variant to the edge (R2 + registry); optionally give it a share of the traffic')
      .argument('<model.onnx>', 'the variant\'s model file')
      .requiredOption('--model <name>', 'the model this variant belongs to (e.g. spam)')
      .requiredOption('--variant <name>', 'the variant name (e.g. int8); variants are immutable')
      .option('--manifest <file>', 'the variant manifest (as written by `pare compress --manifest`); made from the model when omitted')
      .option('--weight <0..100>', 'traffic share for this variant; the other variants are scaled to fill the rest'),
  ).action(async (file: string, flags: DeployFlags) => {
    const weight = parseWeight(flags.weight);
    const { bytes, model } = await readModelFile(file);
    const manifest = flags.manifest
      ? await manifestFromFile(flags.manifest, bytes, { model: flags.model, variant: flags.variant })
      : await manifestFromModel(bytes, model, { model: flags.model, variant: flags.variant, source: path.basename(file) });
    const client = edgeClient(flags);
    process.stderr.write(`pare: uploading ${flags.model}/${flags.variant} (${bytes.byteLength} bytes) to ${client.endpoint}…\n`);
    const result = await client.deployVariant({ model: flags.model, variant: flags.variant, bytes, manifest, weight });
    if (flags.json) return printJson(result);
    const weights = result.deployment ? Object.entries(result.deployment.weights).map(([v, w]) => `${v}=${w}`).join(' ') : 'unchanged';
    process.stdout.write(`${result.created ? 'Deployed' : 'Already deployed (same bytes; marked healthy)'} ${flags.model}/${flags.variant}: ${result.bytes} bytes, sha256 ${result.sha256}\nTraffic: ${weights}\n`);
  });
}
