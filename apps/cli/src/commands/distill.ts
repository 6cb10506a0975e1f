// `pare distill`: submit a knowledge-distillation job to the origin service and follow it to the end.
// Training runs in the origin (where the cores and GPUs are); this command only builds the spec.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { PareError } from '@pare/errors';
import type { JobSpecInput } from '@pare/clients';
import { writeFileAtomic } from '../shared/modelFile';
import { originClient } from '../shared/originClient';
import { parseFraction, parsePositiveInt } from '../shared/parseArgs';
import { describeJob, followJob, requireSuccess } from './job';

interface DistillFlags {
  teacher: string;
  teacherManifest?: string;
  data: string;
  validation?: string;
  textField?: string;
  labelField?: string;
  format?: string;
  textCleaning?: string;
  targetFpr?: number;
  positive?: string;
  student?: string;
  temperature?: number;
  alpha?: number;
  seed?: number;
  limit?: number;
  model?: string;
  variant?: string[];
  publish?: string | true;
  publishVariant?: string;
  origin?: string;
  originToken?: string;
  outputDir?: string;
  follow: boolean;
  json?: boolean;
}

export function registerDistill(program: Command): void {
  program
    .command('distill')
    .description('Distill a teacher into a smaller student as an origin job, and follow its progress')
    .option('--teacher <model.onnx|folder|url|config.json|train>', 'teacher: an ONNX model (manifest.json beside it), a Hugging Face folder, a deployed variant (<edge-url>/<model>/<variant>, read by the origin with its PARE_TOKEN), a config to train one, or "train"', 'train')
    .option('--teacher-manifest <file>', "the teacher's manifest when it is not manifest.json beside the model")
    .option('--data <name|file>', 'the bundled spam-assassin corpus, or your texts: JSONL, CSV or one text a line (labels optional; the teacher labels the rest)', 'spam-assassin')
    .option('--validation <file>', 'validation texts (default: a tenth of --data, chosen by a hash of each text)')
    .option('--text-field <name>', 'JSONL key or CSV column of the text (default text)')
    .option('--label-field <name>', 'JSONL key or CSV column of the label (default label)')
    .option('--format <jsonl|csv|text>', 'format of --data (default: from its extension)')
    .option('--text-cleaning <subject-body|mail>', 'spam-assassin: read mails raw or cleaned as a mail filter must (MIME decoded, HTML as text, list artefacts out)')
    .option('--student <config.json|bag>', 'student: a configuration ({ size, epochs, learningRate }, or { "family": "bag", buckets, dim, … }), or "bag" for the hashed n-gram student')
    .option('--target-fpr <rate>', "choose the --positive label's threshold on validation for this false-positive rate (bag student); stored in the manifest, applied by the edge", (v) => parseFraction('--target-fpr', v))
    .option('--positive <label>', 'the label whose false positives --target-fpr bounds (e.g. spam)')
    .option('--temperature <T>', 'KD temperature', (v) => positiveNumber('--temperature', v))
    .option('--alpha <a>', 'weight of the KD term against cross-entropy, 0..1', (v) => parseFraction('--alpha', v))
    .option('--seed <n>', 'random seed', (v) => parsePositiveInt('--seed', v))
    .option('--limit <n>', 'use only the first n examples of each split (smoke runs)', (v) => parsePositiveInt('--limit', v))
    .option('--model <name>', 'model name in the manifests (default spam)')
    .option('--variant <name=mode>', 'also make a compressed variant of the student, measured on the held-out texts (e.g. student-int8=int8-weights; modes as pare compress --quantize, per-channel); repeatable', (v: string, all: string[] = []) => [...all, v])
    .option('--publish [edge-url]', "publish the student when done, to this edge (one of the origin's PARE_EDGE_URLS) or, without a URL, to the origin's only edge; the origin needs PARE_TOKEN")
    .option('--publish-variant <name>', 'variant name to publish as (default student)')
    .option('--origin <url>', 'origin service URL (default $PARE_ORIGIN or http://127.0.0.1:8788)')
    .option('--origin-token <token>', 'origin API token (default $PARE_ORIGIN_TOKEN; for a local origin, .pare/origin.token from `npm run origin`)')
    .option('-o, --output-dir <dir>', 'download the artifacts (student.onnx, manifests, metrics.json…) here when done')
    .option('--no-follow', 'submit and print the job id without waiting')
    .option('--json', 'print one JSON object (the job)')
    .action(async (flags: DistillFlags) => {
      const client = originClient(flags);
      // The origin checks the spec and names the field at fault.
      const job = await client.submit(distillSpec(flags) as JobSpecInput);
      if (!flags.follow) {
        process.stdout.write(flags.json ? `${JSON.stringify(job)}\n` : `${job.id}\n`);
        return;
      }
      if (!flags.json) process.stderr.write(`submitted ${job.id} to ${client.base}\n`);
      await followJob(client, job.id, { json: flags.json ?? false });
      const settled = await client.get(job.id);
      process.stdout.write(flags.json ? `${JSON.stringify(settled)}\n` : describeJob(settled, 5));
      requireSuccess(settled);
      if (flags.outputDir) {
        makeOutputDir(flags.outputDir, job.id);
        for (const artifact of settled.artifacts) {
          await writeFileAtomic(path.join(flags.outputDir, artifact.name), await client.artifact(job.id, artifact.name));
        }
        if (!flags.json) process.stderr.write(`wrote ${settled.artifacts.length} artifacts to ${flags.outputDir}\n`);
      }
    });
}

/** The job spec from the flags. Local files are resolved (or, for JSON configs, inlined) here. */
export function distillSpec(flags: DistillFlags): Record<string, unknown> {
  const spec: Record<string, unknown> = { type: 'distill', data: flags.data, teacher: teacherRef(flags.teacher) };
  if (flags.teacherManifest) spec.teacherManifest = localPath(flags.teacherManifest);
  if (flags.student) spec.student = flags.student === 'bag' ? { family: 'bag' } : readJsonConfig(flags.student, '--student');
  if (flags.data !== 'spam-assassin') spec.data = localPath(flags.data);
  if (flags.validation) spec.validation = localPath(flags.validation);
  if (flags.textCleaning) spec.text = flags.textCleaning;
  for (const key of ['temperature', 'alpha', 'seed', 'limit', 'model', 'textField', 'labelField', 'format', 'targetFpr', 'positive'] as const) if (flags[key] !== undefined) spec[key] = flags[key];
  if (flags.targetFpr !== undefined && !flags.positive) throw new PareError('option_invalid', '--target-fpr needs --positive <label>: the label whose false positives it bounds.');
  if (flags.variant?.length) spec.variants = flags.variant.map(compressedVariant);
  if (flags.publishVariant && !flags.publish) throw new PareError('option_invalid', '--publish-variant needs --publish [edge-url].');
  if (flags.publish) {
    // Without a URL the origin publishes to the edge it is configured with, if it has exactly one.
    const edge = typeof flags.publish === 'string' ? { edge: flags.publish } : {};
    spec.publish = { ...edge, model: flags.model ?? 'spam', variant: flags.publishVariant ?? 'student' };
  }
  return spec;
}

/** `--variant student-int8=int8-weights`: a variant name and the quantize mode it is made with (per-channel). */
function compressedVariant(text: string): { variant: string; options: { quantize: string; perChannel: true } } {
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)=([a-z0-9-]+)$/.exec(text);
  if (!match) throw new PareError('option_invalid', `--variant takes <name>=<mode>, e.g. student-int8=int8-weights; got "${text}".`, { details: { usage: true } });
  return { variant: match[1]!, options: { quantize: match[2]!, perChannel: true } };
}

function teacherRef(teacher: string): unknown {
  if (teacher === 'train') return 'train';
  if (teacher.endsWith('.json')) return readJsonConfig(teacher, '--teacher');
  return localPath(teacher);
}

/** A path that exists here is sent absolute (an origin on this machine finds it); others go as given (a path on the origin, or a URL). */
function localPath(file: string): string {
  return existsSync(file) ? path.resolve(file) : file;
}

function readJsonConfig(file: string, flag: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new PareError('file_not_found', `${flag}: cannot read ${file}.`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new PareError('option_invalid', `${flag}: ${file} is not a JSON object.`);
  }
}

/** The job has succeeded by now: say where its artifacts still are when they cannot be saved here. */
function makeOutputDir(dir: string, jobId: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new PareError('file_unwritable', `--output-dir: cannot make ${dir} (${code ?? String(cause)}); the artifacts stay on the origin: \`pare job ${jobId} --download <artifact>\`.`, { cause });
  }
}

function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new PareError('option_invalid', `${flag} must be a positive number; got "${value}".`);
  return n;
}
