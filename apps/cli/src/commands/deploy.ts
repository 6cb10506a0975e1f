// `pare deploy <model.onnx|folder> --model <m> --variant <v> [--manifest <file>] [--weight <0..100>]`: upload a
// variant to the edge (the worker checks the sha256 and that it loads in onnxruntime-web before accepting it).
// A folder is a Hugging Face export, a folder `pare compress` wrote, or model.onnx + manifest.json (../folder/deployFolder.ts).
import path from 'node:path';
import type { Command } from 'commander';
import { PareError } from '@pare/errors';
import { readModelFile } from '../shared/modelFile';
import { edgeClient, printJson, withEdgeOptions, type EdgeFlags } from '../edge/edgeOptions';
import { manifestFromFile, manifestFromModel } from '../edge/variantManifestFor';
import { isFolder } from '../folder/isFolder';
import { readDeployFolder, tokenizerBeside, type VariantUploadParts } from '../folder/deployFolder';

interface DeployFlags extends EdgeFlags {
  model: string;
  variant: string;
  manifest?: string;
  weight?: string;
  newModel?: boolean;
}

function parseWeight(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 100) throw new PareError('weights_invalid', `--weight must be an integer from 0 to 100, got "${text}".`, { details: { usage: true } });
  return n;
}

async function readVariantFile(file: string, flags: DeployFlags): Promise<VariantUploadParts> {
  const { bytes, model } = await readModelFile(file);
  const manifest = flags.manifest
    ? await manifestFromFile(flags.manifest, bytes, { model: flags.model, variant: flags.variant })
    : await manifestFromModel(bytes, model, { model: flags.model, variant: flags.variant, source: path.basename(file) });
  const tokenizer = await tokenizerBeside(path.dirname(file), manifest);
  return { bytes, manifest, ...(tokenizer ? { tokenizer } : {}) };
}

export function registerDeploy(program: Command): void {
  withEdgeOptions(
    program
      .command('deploy')
      .description('Upload a model variant to the edge (R2 + registry); optionally give it a share of the traffic')
      .argument('<model.onnx|folder>', 'the variant\'s model file, or a folder: a Hugging Face export (config.json, tokenizer.json), one `pare compress` wrote, or model.onnx + manifest.json')
      .requiredOption('--model <name>', 'the model this variant belongs to (e.g. spam)')
      .requiredOption('--variant <name>', 'the variant name (e.g. int8); variants are immutable')
      .option('--manifest <file>', 'the variant manifest (as written by `pare compress --manifest`); made from the model when omitted')
      .option('--weight <0..100>', 'traffic share for this variant; the other variants are scaled to fill the rest')
      .option('--new-model', 'accept inputs, outputs or labels that differ from the model\'s serving variants (the edge refuses them otherwise)'),
  ).action(async (file: string, flags: DeployFlags) => {
    const weight = parseWeight(flags.weight);
    const names = { model: flags.model, variant: flags.variant };
    const { bytes, manifest, tokenizer } = isFolder(file) ? await readDeployFolder(file, { ...names, manifest: flags.manifest }) : await readVariantFile(file, flags);
    const client = edgeClient(flags);
    const extra = tokenizer ? ` and tokenizer.json (${tokenizer.byteLength} bytes)` : '';
    process.stderr.write(`pare: uploading ${flags.model}/${flags.variant} (${bytes.byteLength} bytes${extra}) to ${client.endpoint}…\n`);
    const result = await client.deployVariant({ ...names, bytes, manifest, tokenizer, weight, newModel: flags.newModel });
    if (flags.json) return printJson(result);
    const weights = result.deployment ? Object.entries(result.deployment.weights).map(([v, w]) => `${v}=${w}`).join(' ') : 'unchanged';
    process.stdout.write(`${result.created ? 'Deployed' : 'Already deployed (same bytes; marked healthy)'} ${flags.model}/${flags.variant}: ${result.bytes} bytes, sha256 ${result.sha256}\nTraffic: ${weights}\n`);
  });
}
