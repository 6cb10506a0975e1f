// `pare compress <in.onnx> -o <out.onnx>`: prune, quantize or fit a model to a byte and/or latency budget, write it
// atomically, then measure what it cost (sizes, sparsity, fidelity in both runtimes, time per step).
// `pare compress <folder> -o <out-folder>` does the same for a Hugging Face or variant folder (../folder/).
import type { Command } from 'commander';
import { PareError } from '@pare/errors';
import { encodeModel, type Model } from '@pare/onnx';
import {
  QUANTIZE_MODES, calibrate, compressModel, measureChannelMeans, describeOptions, evaluateFidelity, fitToBudget, measureLatency, summarize,
  type CompressDeps, type CompressOptions, type CompressStep, type FitCandidate, type MeanTarget, type QuantizeMode,
} from '@pare/compress';
import { gzipSize, servingBackend } from '@pare/runtime';
import { nodeBackend } from '@pare/runtime/node';
import { webNodeBackend } from '@pare/runtime/web-node';
import { checkOutputPath, readModelFile, refuseOverwritingInput, writeFileAtomic } from '../shared/modelFile';
import { GENERATED_SEED, loadSamples, type Samples } from '../shared/samples';
import { createProgress, type Progress } from '../shared/progress';
import { parseByteSize, parseDim, parseFraction, parseList, parseNonNegative, parsePositive, parsePositiveInt } from '../shared/parseArgs';
import { sparsityOf, stepSummary, type CompressReport } from '../compress/compressReport';
import { compressTable } from '../compress/compressTable';
import { int8FidelityNote } from '../eval/int8FidelityNote';
import { writeManifest } from '../compress/manifestSummary';
import { findSourceManifest } from '../compress/sourceManifest';
import { checkLoads, namedStepFailure } from '../compress/checkLoads';
import { planFolderCompress, type FolderCompressPlan } from '../folder/compressFolder';
import { parsePerplexityIncrease, perplexityJudge, type PerplexityJudge } from '../compress/perplexityJudge';

interface CompressFlags {
  output: string;
  quantize?: string;
  perChannel?: boolean;
  inputs?: string;
  blockSize?: number;
  embeddingBits?: number;
  asymmetric?: boolean;
  /** false with --no-bias-correction. */
  biasCorrection?: boolean;
  calibration?: string;
  calibrationMethod?: string;
  pruneThreshold?: number;
  sparsity?: number;
  structured?: number;
  maxBytes?: number;
  maxLatencyMs?: number;
  minFidelity?: number;
  maxPerplexityIncrease?: number;
  data?: string;
  gzip?: boolean;
  exclude?: string[];
  dim?: Record<string, number>;
  eval?: boolean;
  manifest?: string;
  sourceManifest?: string;
  json?: boolean;
}

export function registerCompress(program: Command): void {
  program
    .command('compress')
    .description('Prune and quantize a model, or fit it to a byte budget, and report what it cost')
    .argument('<in.onnx|folder>', 'the model to compress, or a Hugging Face export / variant folder')
    .requiredOption('-o, --output <out.onnx|folder>', 'where to write the compressed model (a folder when the input is one)')
    .option('--quantize <mode>', `quantization: ${QUANTIZE_MODES.join(' | ')} (default none)`)
    .option('--per-channel', 'one weight scale per output channel')
    .option('--inputs <file>', 'inputs file (real inputs) for evaluation, the fitter and int8-static calibration (generated from the model when absent)')
    .option('--calibration <file>', 'alias of --inputs')
    .option('--block-size <n>', 'int4-weights: weights per scale along K, a power of two 16–256 (default 32)', (v) => parsePositiveInt('--block-size', v))
    .option('--embedding-bits <4|8>', 'int4-weights: embedding tables in 4 bits (default, GatherBlockQuantized) or 8 (int8 rows)', (v) => parsePositiveInt('--embedding-bits', v))
    .option('--asymmetric', 'int4-weights / int8-weights: a zero point per block or channel (skewed weights)')
    .option('--no-bias-correction', "int8-weights, int8-dynamic: keep each layer's bias as it is (by default the weights' expected output shift, measured on the inputs, is removed from it)")
    .option('--calibration-method <m>', 'minmax | percentile (default minmax)')
    .option('--prune-threshold <t>', 'zero every weight with |w| < t', (v) => parseNonNegative('--prune-threshold', v))
    .option('--sparsity <0..1>', 'zero this fraction of the smallest weights', (v) => parseFraction('--sparsity', v))
    .option('--structured <0..1>', 'remove this fraction of hidden units / channels', (v) => parseFraction('--structured', v, true))
    .option('--max-bytes <n|nKB|nMB>', 'search pruning × quantization for the most faithful model within this size', (v) => parseByteSize('--max-bytes', v))
    .option('--max-latency-ms <ms>', 'search for the most faithful model whose run takes at most this long in onnxruntime-web wasm (one thread, as served at the edge) on the inputs; alone or with --max-bytes', (v) => parsePositive('--max-latency-ms', v))
    .option('--min-fidelity <cos>', 'with --max-bytes: refuse candidates whose mean output cosine is below this', (v) => parseFraction('--min-fidelity', v))
    .option('--max-perplexity-increase <p>', 'text-generation folders: the smallest model whose held-out perplexity rises by at most this much (5% or 0.05); with --max-bytes as a further limit', (v) => parsePerplexityIncrease('--max-perplexity-increase', v))
    .option('--data <texts.jsonl>', 'with --max-perplexity-increase: the held-out texts perplexity is measured on (one JSON string or {"text"} a line; default: a few built-in texts)')
    .option('--gzip', 'with --max-bytes: count gzipped bytes (what travels to the edge)')
    .option('--exclude <names>', 'comma-separated node/tensor names (`*` wildcards) every pass leaves alone', parseList)
    .option('--dim <name=size>', 'size of a named dynamic dimension for generated inputs (repeatable)', parseDim)
    .option('--no-eval', 'skip measuring fidelity after compressing')
    .option('--manifest <file>', 'also write a variant manifest (manifest.json) for the output')
    .option('--source-manifest <file>', 'with --manifest: the input model\'s manifest, whose task, tokenizer, labels and provenance carry over (default: manifest.json beside the input, if any)')
    .option('--json', 'print one JSON object')
    .action(async (input: string, flags: CompressFlags) => {
      await refuseOverwritingInput(input, flags.output);
      const folder = await planFolderCompress(input, flags.output);
      const { report, fidelityNote } = await runCompress(folder?.input ?? input, folder ? { ...flags, output: folder.output, manifest: folder.manifest } : flags, folder);
      await folder?.finish();
      process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : `${compressTable(report, fidelityNote)}\n`);
    });
}

async function runCompress(input: string, flags: CompressFlags, folder?: FolderCompressPlan): Promise<{ report: CompressReport; fidelityNote?: string }> {
  const options = checkFlags(flags);
  const started = performance.now();
  await checkOutputPath(flags.output);
  if (flags.manifest) await checkOutputPath(flags.manifest);
  const source = await readModelFile(input, 'input model');
  const sourceManifest = flags.manifest ? (folder?.sourceManifest ?? await findSourceManifest(input, source.bytes, flags.sourceManifest)) : undefined;
  const progress = createProgress(!flags.json);
  const inputsFile = flags.inputs ?? flags.calibration;
  const fitting = flags.maxBytes !== undefined || flags.maxLatencyMs !== undefined || flags.maxPerplexityIncrease !== undefined;
  const judge = flags.maxPerplexityIncrease !== undefined ? await perplexityJudge(folder, flags.data) : undefined;
  const needsSamples = flags.eval !== false || options.quantize === 'int8-static' || ((options.quantize === 'int8-weights' || options.quantize === 'int8-dynamic') && options.biasCorrection !== false) || fitting || inputsFile;
  // A folder's own texts (through its tokenizer) are real inputs; an inputs file given on the command line wins.
  const samples = !needsSamples ? undefined : folder && !inputsFile ? folder.samples : await loadSamples(source.bytes, { inputsFile, dims: flags.dim, model: source.model });
  let currentStep = '';
  const deps: CompressDeps = {
    ...(samples ? { calibrate: calibrateWith(samples, flags.calibrationMethod), channelMeans: (m: Model, targets: MeanTarget[]) => measureChannelMeans(m, samples.samples, nodeBackend, { targets }) } : {}),
    onStep: (step, phase) => {
      currentStep = phase === 'start' ? step : '';
      if (phase === 'start') progress.start(1, step); else progress.stop();
    },
  };

  let model: Model, steps: CompressStep[], bytes: Uint8Array, configuration: string;
  let fit: CompressReport['fit'];
  if (fitting) {
    const result = await fitWithProgress(source.model, source.bytes, flags, options, samples!, deps, progress, judge);
    ({ model, steps, bytes } = result);
    configuration = `fit: ${result.chosen.label}`;
    fit = {
      ...(flags.maxBytes !== undefined ? { maxBytes: flags.maxBytes } : {}), ...(flags.maxLatencyMs !== undefined ? { maxLatencyMs: flags.maxLatencyMs } : {}),
      gzip: flags.gzip ?? false, ...(flags.minFidelity !== undefined ? { minFidelity: flags.minFidelity } : {}),
      inputs: samples!.kind, candidates: result.candidates, ...(result.mixedPrecision ? { mixedPrecision: result.mixedPrecision } : {}),
      ...(result.perplexity && judge ? { perplexity: { ...result.perplexity, texts: judge.texts } } : {}),
    };
  } else {
    ({ model, steps } = await compressModel(source.model, options, deps).catch((e) => { throw namedStepFailure(e, currentStep); }));
    bytes = encodeModel(model);
    configuration = describeOptions(options);
  }
  progress.stop();
  await checkLoads(bytes);
  await writeFileAtomic(flags.output, bytes);

  const report: CompressReport = {
    input, output: flags.output, configuration,
    ...(samples ? { inputs: { kind: samples.kind, source: samples.source } } : {}),
    ...(samples && /int8-static/.test(configuration) ? { calibration: samples.source } : {}),
    before: { bytes: source.bytes.byteLength, gzipBytes: await gzipSize(source.bytes) },
    after: { bytes: bytes.byteLength, gzipBytes: await gzipSize(bytes) },
    ratio: { raw: 0, gzip: 0 },
    sparsity: sparsityOf(source.model, steps),
    steps: stepSummary(steps),
    ...(fit ? { fit } : {}),
    totalMs: 0,
  };
  report.ratio = { raw: report.after.bytes / report.before.bytes, gzip: report.after.gzipBytes / report.before.bytes };
  if (flags.eval !== false && samples) {
    progress.start(4, 'evaluating');
    // Measured as served (weight-only forms folded at load, as the edge, the origin and `pare eval` run them).
    const fidelity = await evaluateFidelity(source.bytes, bytes, samples.samples, [servingBackend(nodeBackend), servingBackend(webNodeBackend)], {
      labels: samples.labels,
      onProgress: (done, _t, what) => progress.update(done, what),
    });
    progress.stop();
    report.fidelity = { inputs: samples.source, inputsKind: samples.kind, ...fidelity };
  }
  report.totalMs = Math.round(performance.now() - started);
  if (flags.manifest) await writeManifest(flags.manifest, { input, sourceBytes: source.bytes, sourceManifest, bytes, model, report });
  return { report, fidelityNote: report.fidelity && (await int8FidelityNote(model, report.fidelity)) };
}

/** Turn flags into pipeline options; commander has already parsed numbers, this checks their combinations. */
function checkFlags(flags: CompressFlags): CompressOptions {
  const quantize = flags.quantize ?? 'none';
  if (!QUANTIZE_MODES.includes(quantize as QuantizeMode)) {
    throw new PareError('option_invalid', `--quantize takes one of ${QUANTIZE_MODES.join(', ')}; got "${quantize}".`);
  }
  if (flags.calibrationMethod && !['minmax', 'percentile'].includes(flags.calibrationMethod)) {
    throw new PareError('option_invalid', `--calibration-method takes minmax or percentile; got "${flags.calibrationMethod}".`);
  }
  if (flags.pruneThreshold !== undefined && flags.sparsity !== undefined) {
    throw new PareError('option_invalid', 'Give --prune-threshold or --sparsity, not both.');
  }
  const budget = flags.maxBytes !== undefined ? '--max-bytes' : flags.maxLatencyMs !== undefined ? '--max-latency-ms' : flags.maxPerplexityIncrease !== undefined ? '--max-perplexity-increase' : undefined;
  if (budget && (flags.sparsity !== undefined || flags.structured !== undefined || flags.pruneThreshold !== undefined)) {
    throw new PareError('option_invalid', `${budget} searches the pruning level itself: drop --sparsity, --structured and --prune-threshold (use --quantize to fix the mode).`);
  }
  if (flags.gzip && flags.maxBytes === undefined) throw new PareError('option_invalid', '--gzip only applies with --max-bytes.');
  if (flags.minFidelity !== undefined && !budget) throw new PareError('option_invalid', '--min-fidelity only applies with --max-bytes, --max-latency-ms or --max-perplexity-increase.');
  if (flags.data && flags.maxPerplexityIncrease === undefined) throw new PareError('option_invalid', '--data only applies with --max-perplexity-increase (fidelity and calibration read --inputs).');
  if (flags.inputs && flags.calibration && flags.inputs !== flags.calibration) {
    throw new PareError('option_invalid', '--calibration is an alias of --inputs: give one inputs file, not two.');
  }
  if (flags.embeddingBits !== undefined && (flags.embeddingBits !== 4 && flags.embeddingBits !== 8)) throw new PareError('option_invalid', `--embedding-bits takes 4 or 8; got ${flags.embeddingBits}.`);
  if (flags.embeddingBits !== undefined && quantize !== 'int4-weights') throw new PareError('option_invalid', '--embedding-bits only applies with --quantize int4-weights.');
  if (flags.sourceManifest && !flags.manifest) throw new PareError('option_invalid', '--source-manifest only applies with --manifest.');
  return {
    quantize: quantize as QuantizeMode,
    perChannel: flags.perChannel ?? false,
    ...(flags.blockSize !== undefined ? { blockSize: flags.blockSize } : {}),
    ...(flags.embeddingBits !== undefined ? { embeddingBits: flags.embeddingBits as 4 | 8 } : {}),
    ...(flags.asymmetric ? { asymmetric: true } : {}),
    ...(flags.biasCorrection === false ? { biasCorrection: false } : {}),
    ...(flags.pruneThreshold !== undefined ? { pruneThreshold: flags.pruneThreshold } : {}),
    ...(flags.sparsity !== undefined ? { sparsity: flags.sparsity } : {}),
    ...(flags.structured !== undefined ? { structured: flags.structured } : {}),
    exclude: flags.exclude ?? [],
  };
}

function calibrateWith(samples: Samples, method: string | undefined): NonNullable<CompressDeps['calibrate']> {
  return (model) => calibrate(model, samples.samples, nodeBackend, { method: (method ?? 'minmax') as 'minmax' | 'percentile' });
}

async function fitWithProgress(model: Model, sourceBytes: Uint8Array, flags: CompressFlags, options: CompressOptions, samples: Samples, deps: CompressDeps, progress: Progress, judge?: PerplexityJudge) {
  const fidelity = async (candidate: Uint8Array) => {
    // The fitter ranks candidates in onnxruntime-node (fast); the chosen one is then measured in both runtimes.
    const r = await evaluateFidelity(sourceBytes, candidate, samples.samples, [nodeBackend], { warmup: 0, timingPasses: 1 });
    return summarize(r.backends[0]!.overall);
  };
  // Generated inputs measure some models poorly (a detector fed noise answers ~0 everywhere): what mixed precision
  // picks on them must hold on a second generated set too.
  // Made only when a mixed candidate asks to be confirmed.
  let second: Promise<Samples> | undefined;
  const confirmFidelity = samples.kind === 'generated' ? async (candidate: Uint8Array) => {
    second ??= loadSamples(sourceBytes, { seed: GENERATED_SEED + 1, count: samples.samples.length, dims: flags.dim, model });
    return summarize((await evaluateFidelity(sourceBytes, candidate, (await second).samples, [nodeBackend], { warmup: 0, timingPasses: 1 })).backends[0]!.overall);
  } : undefined;
  // Timed as the edge runs it: onnxruntime-web's wasm, one thread, weight-only forms folded at load.
  const wasm = servingBackend(webNodeBackend);
  const latency = (candidate: Uint8Array) => measureLatency(candidate, samples.samples, wasm);
  // A perplexity target times candidates only when latency is budgeted too: timing each in wasm doubles the search.
  const timed = !judge || flags.maxLatencyMs !== undefined;
  const onCandidate = (c: FitCandidate, tried: number, total: number) => {
    progress.start(total, `fit: ${c.label}`);
    progress.update(tried, `fit: ${c.label}`);
  };
  try {
    return await fitToBudget(model, {
      maxBytes: flags.maxBytes ?? Number.POSITIVE_INFINITY, ...(flags.maxLatencyMs !== undefined ? { maxLatencyMs: flags.maxLatencyMs } : {}), gzip: flags.gzip ?? false, exclude: options.exclude, calibration: samples.kind,
      ...(options.biasCorrection === false ? { biasCorrection: false } : {}),
      ...(flags.perChannel ? { perChannel: true } : {}),
      ...(flags.minFidelity !== undefined ? { minFidelity: flags.minFidelity } : {}),
      ...(flags.maxPerplexityIncrease !== undefined ? { maxPerplexityIncrease: flags.maxPerplexityIncrease } : {}),
      ...(flags.quantize ? { modes: [options.quantize!] } : {}),
    }, { ...deps, onStep: undefined, fidelity, onCandidate, ...(confirmFidelity ? { confirmFidelity } : {}), ...(timed ? { latency } : {}), ...(judge ? { perplexity: judge.perplexity } : {}) });
  } catch (e) {
    // The package speaks of budgets; the command names its own flags.
    if (e instanceof PareError && e.code === 'budget_unreachable') {
      throw new PareError(e.code, e.message.replace('Raise the latency budget', 'Raise --max-latency-ms').replace('Raise the allowed increase', 'Raise --max-perplexity-increase').replace('or the budget', 'or --max-bytes').replace('Raise the budget', 'Raise --max-bytes').replace(', count gzipped bytes instead', ', add --gzip to count gzipped bytes'), { status: e.status, details: e.details, cause: e });
    }
    throw e;
  }
}
