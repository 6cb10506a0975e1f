// `pare eval <model.onnx> --reference <original.onnx>`: how close a compressed model stays to its original,
// in onnxruntime-node and in onnxruntime-web's wasm build (what the edge runs), and how fast each is.
// `pare eval <model.onnx> --data spam-assassin`: a text classifier's accuracy, precision, recall, F1 and
// confusion matrix on a labelled split, fed through its manifest's tokenizer exactly as the edge feeds it.
// `pare eval <out-folder> --reference <folder> --data <texts.jsonl>`: agreement of a compressed Hugging Face
// variant with its source on the user's own texts (../eval/folderAgreement.ts).
import path from 'node:path';
import type { Command } from 'commander';
import { evaluateFidelity } from '@pare/compress';
import { PareError } from '@pare/errors';
import { servingBackend } from '@pare/runtime';
import { nodeBackend } from '@pare/runtime/node';
import { webNodeBackend } from '@pare/runtime/web-node';
import { readModelFile } from '../shared/modelFile';
import { loadSamples } from '../shared/samples';
import { createProgress } from '../shared/progress';
import { parseDim, parsePositiveInt } from '../shared/parseArgs';
import { fidelityTable } from '../eval/fidelityTable';
import { int8FidelityNote } from '../eval/int8FidelityNote';
import { checkDatasetName, DATASET_NAMES, loadEvalDataset, SPLITS, type SplitName } from '../eval/datasets';
import { evaluateOnDataset, manifestWarnings, readTextManifest } from '../eval/evaluateOnDataset';
import { datasetTables } from '../eval/datasetTables';
import { agreementText, folderAgreement } from '../eval/folderAgreement';
import { readTextsFile } from '../eval/textsFile';
import { isLmFolder, lmAgreement, lmAgreementText } from '../eval/lmAgreement';
import { isFolder } from '../folder/isFolder';

// As served: a weight-only variant's constant dequantization is folded at load, so its latency is the served one.
const RUNTIMES = { node: servingBackend(nodeBackend), web: servingBackend(webNodeBackend) } as const;
type RuntimeName = keyof typeof RUNTIMES;

interface EvalFlags {
  reference?: string;
  data?: string;
  manifest?: string;
  split?: SplitName;
  runtime?: RuntimeName;
  inputs?: string;
  samples?: number;
  seed?: number;
  dim?: Record<string, number>;
  json?: boolean;
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('Compare a compressed model with its original (--reference), or measure a classifier on a labelled dataset (--data)')
    .argument('<model.onnx>', 'the model to evaluate (the compressed candidate, with --reference)')
    .option('--reference <original.onnx>', 'the original model to compare against')
    .option('--data <dataset>', `a labelled dataset to measure accuracy on (${DATASET_NAMES.join(', ')})`)
    .option('--manifest <file>', 'with --data: the variant manifest (tokenizer, labels); default manifest.json beside the model')
    .option('--split <name>', `with --data: ${SPLITS.join(' or ')} (default test)`, (v) => oneOf('--split', v, SPLITS))
    .option('--runtime <name>', 'with --data: node (onnxruntime-node) or web (onnxruntime-web wasm, as the edge runs); default node', (v) => oneOf('--runtime', v, Object.keys(RUNTIMES) as RuntimeName[]))
    .option('--inputs <file>', 'with --reference: sample inputs (JSON: { "samples": [ { "<input>": { "dims": [...], "data": [...] } } ], "labels"?: [...] }); generated from the model when absent')
    .option('--samples <n>', 'with --reference: how many inputs to generate (default 4)', (v) => parsePositiveInt('--samples', v))
    .option('--seed <n>', "seed of generated inputs (default 42); with --data, of the split (default the manifest's provenance.seed, else 1)", (v) => parsePositiveInt('--seed', v))
    .option('--dim <name=size>', 'with --reference: size of a named dynamic dimension for generated inputs (repeatable)', parseDim)
    .option('--json', 'print one JSON object')
    .action(async (file: string, flags: EvalFlags) => {
      if (flags.reference && flags.data && isFolder(file)) return evalFolderOnTexts(file, flags.reference, flags.data, flags);
      checkModeFlags(flags);
      await (flags.data ? evalOnData(file, flags.data, flags) : evalAgainstReference(file, flags.reference!, flags));
    });
}

function checkModeFlags(flags: EvalFlags): void {
  if (flags.reference && flags.data) {
    throw new PareError('option_invalid', '--reference and --data go together only for model folders (pare eval <out-folder> --reference <folder> --data <texts.jsonl>); for model files, --reference compares the model with its original and --data measures it on a labelled dataset: run one at a time.');
  }
  if (!flags.reference && !flags.data) {
    throw new PareError('option_invalid', `pare eval needs --reference <original.onnx> (compare with the original) or --data <dataset> (accuracy on ${DATASET_NAMES.join(', ')}).`);
  }
  const [mode, others] = flags.data ? ['--data', ['inputs', 'samples', 'dim']] as const : ['--reference', ['manifest', 'split', 'runtime']] as const;
  const stray = others.find((k) => flags[k] !== undefined);
  if (stray) throw new PareError('option_invalid', `--${stray} does not apply with ${mode}.`);
}

async function evalAgainstReference(file: string, referenceFile: string, flags: EvalFlags): Promise<void> {
  const reference = await readModelFile(referenceFile, 'reference model');
  const candidate = await readModelFile(file, 'model');
  const samples = await loadSamples(reference.bytes, { inputsFile: flags.inputs, count: flags.samples, seed: flags.seed, dims: flags.dim });
  const progress = createProgress(!flags.json);
  progress.start(4, 'evaluating');
  const report = await evaluateFidelity(reference.bytes, candidate.bytes, samples.samples, [RUNTIMES.node, RUNTIMES.web], {
    labels: samples.labels,
    onProgress: (done, _total, what) => progress.update(done, what),
  });
  progress.stop();
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ model: file, reference: referenceFile, inputs: samples.source, ...report })}\n`);
    return;
  }
  process.stdout.write(`${file} vs ${referenceFile}\ninputs: ${samples.source}\n${fidelityTable(report, await int8FidelityNote(candidate.model, report))}\n`);
}

async function evalOnData(file: string, data: string, flags: EvalFlags): Promise<void> {
  checkDatasetName(data);
  const model = await readModelFile(file, 'model');
  const manifestFile = flags.manifest ?? path.join(path.dirname(file), 'manifest.json');
  const manifest = await readTextManifest(manifestFile, flags.manifest === undefined);
  const dataset = await loadEvalDataset(data, flags.split ?? 'test', flags.seed ?? manifest.provenance.seed ?? 1);
  for (const warning of await manifestWarnings(manifest, model.bytes, dataset)) process.stderr.write(`pare: warning: ${warning}\n`);

  const progress = createProgress(!flags.json);
  const label = `${dataset.name} ${dataset.split} examples`;
  progress.start(dataset.examples.length, label);
  const report = await evaluateOnDataset(model.bytes, manifest, dataset, RUNTIMES[flags.runtime ?? 'node'], { onProgress: (done) => progress.update(done, label) });
  progress.stop();

  const recordedAccuracy = manifest.metrics.accuracy;
  if (flags.json) {
    const { name, split, seed, checksum } = dataset;
    process.stdout.write(`${JSON.stringify({ model: file, manifest: manifestFile, data: name, split, seed, datasetChecksum: checksum, manifestAccuracy: recordedAccuracy, ...report })}\n`);
    return;
  }
  process.stdout.write(`${file}\n${datasetTables(report, dataset, recordedAccuracy)}\n`);
}

async function evalFolderOnTexts(folder: string, reference: string, data: string, flags: EvalFlags): Promise<void> {
  const stray = (['manifest', 'split', 'inputs', 'samples', 'dim'] as const).find((k) => flags[k] !== undefined);
  if (stray) throw new PareError('option_invalid', `--${stray} does not apply when comparing folders on texts.`);
  if (!isFolder(reference)) throw new PareError('option_invalid', `--reference ${reference} is not a folder; give the folder the variant was compressed from.`);
  const texts = await readTextsFile(data);
  const progress = createProgress(!flags.json);
  progress.start(texts.length, 'texts');
  const backend = RUNTIMES[flags.runtime ?? 'node'];
  if (await isLmFolder(reference)) {
    const report = await lmAgreement(folder, reference, texts, backend, (done) => progress.update(done, 'texts'));
    progress.stop();
    process.stdout.write(flags.json ? `${JSON.stringify({ model: folder, reference, data, ...report })}\n` : `${lmAgreementText(report, folder, reference)}\n`);
    return;
  }
  const report = await folderAgreement(folder, reference, texts, backend, (done) => progress.update(done, 'texts'));
  progress.stop();
  process.stdout.write(flags.json ? `${JSON.stringify({ model: folder, reference, data, ...report })}\n` : `${agreementText(report, folder, reference)}\n`);
}

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new PareError('option_invalid', `${option} takes ${allowed.join(' or ')}; got "${value}".`);
  return value as T;
}
